import { Kafka, Partitioners, PartitionMetadata, Producer, RetryOptions } from 'kafkajs';
import { GroupCommit } from './group-commit';

/** Where an appended event landed on the log. */
export interface LogPosition {
  partition: number;
  offset: string;
}

/** A keyed message for a topic. */
export interface OutgoingMessage {
  key: string;
  value: string;
  headers?: Record<string, string>;
}

/** Raised when Kafka did not acknowledge an append: nothing was acknowledged to the caller. */
export class LogUnavailableError extends Error {
  readonly code = 'log_unavailable';
  constructor(cause: unknown) {
    super(`the event log did not acknowledge the append: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/**
 * After a failed send, further sends fail at once (unsent) for this long; then one is let through
 * to probe the broker. While Kafka is down a caller gets its 503 in milliseconds instead of each
 * waiting out a full retry cycle behind the one before.
 */
const PROBE_INTERVAL_MS = 1000;

/**
 * Appends to one topic with an idempotent producer (acks from all in-sync replicas).
 *
 * Concurrent appends are grouped ({@link GroupCommit}): while one request is in flight, new
 * messages queue and go out together in the next request. kafkajs has no linger and serialises
 * idempotent requests, so this is what keeps throughput up under many concurrent writers.
 * Partitions are computed here with Kafka's default (murmur2) partitioner so each caller learns
 * its own offset.
 */
export class EventLogProducer {
  private producer: Producer | undefined;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private partitions: PartitionMetadata[] = [];
  private readonly appends: GroupCommit<OutgoingMessage, LogPosition>;
  /** Set while the last send failed and none has succeeded since. */
  private unavailable: { lastAttempt: number; cause: unknown } | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly opts: {
      maxBatch?: number;
      idempotent?: boolean;
      /**
       * The producer's retries of one send; the client's own retry policy (createKafka) bounds
       * each reconnection inside it. @defaultValue `{ retries: 5, initialRetryTime: 100, maxRetryTime: 2000 }`
       */
      retry?: RetryOptions;
    } = {},
  ) {
    this.appends = new GroupCommit((messages) => this.send(messages), opts.maxBatch ?? 5000);
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: this.opts.idempotent ?? true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded on purpose (kafkajs warns about it): an append that cannot be acknowledged within a
      // few seconds fails, its claim is released and the client gets a 503 to retry, rather than hang.
      retry: this.opts.retry ?? { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    });
  }

  async connect(): Promise<void> {
    const producer = this.newProducer();
    await producer.connect();
    this.producer = producer;
    await this.refreshPartitions();
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  private async refreshPartitions(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [this.topic] });
      this.partitions = meta.topics[0].partitions;
    } finally {
      await admin.disconnect();
    }
  }

  /** The partition Kafka's default partitioner gives `key`. */
  partitionOf(key: string): number {
    return this.partitioner({ topic: this.topic, partitionMetadata: this.partitions, message: { key, value: null } });
  }

  /** Appends one message; resolves once Kafka acknowledged it. */
  append(message: OutgoingMessage): Promise<LogPosition> {
    return this.appends.submit(message);
  }

  /** Appends many messages; resolves with their positions, in order. */
  appendAll(messages: readonly OutgoingMessage[]): Promise<LogPosition[]> {
    return Promise.all(messages.map((m) => this.append(m)));
  }

  private async send(messages: OutgoingMessage[]): Promise<LogPosition[]> {
    const down = this.unavailable;
    if (down && Date.now() - down.lastAttempt < PROBE_INTERVAL_MS) throw new LogUnavailableError(down.cause);
    const partitions = messages.map((m) => this.partitionOf(m.key));
    let meta;
    try {
      if (!this.producer) await this.connect();
      meta = await this.producer!.send({
        topic: this.topic,
        acks: -1,
        messages: messages.map((m, i) => ({ key: m.key, value: m.value, partition: partitions[i], headers: m.headers })),
      });
    } catch (e) {
      this.unavailable = { lastAttempt: Date.now(), cause: e };
      // A new session (producer id) for the next send. kafkajs rolls its sequence numbers back
      // after a failed send, so the same session would give the next, different messages the
      // sequence numbers of these; had these reached the log after all (a reply lost when the broker
      // went down), the broker would take the new ones for duplicates of them: acknowledged with
      // these offsets, and never written.
      const broken = this.producer;
      this.producer = undefined;
      void broken?.disconnect().catch(() => undefined);
      throw new LogUnavailableError(e);
    }
    this.unavailable = undefined;
    const next = new Map(meta.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
    return partitions.map((partition) => {
      const offset = next.get(partition) ?? 0n;
      next.set(partition, offset + 1n);
      return { partition, offset: offset.toString() };
    });
  }
}
