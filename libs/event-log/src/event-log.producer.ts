import { Kafka, Partitioners, PartitionMetadata, Producer } from 'kafkajs';

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

interface Pending {
  message: OutgoingMessage;
  resolve: (p: LogPosition) => void;
  reject: (e: unknown) => void;
}

/** Raised when Kafka did not acknowledge an append: nothing was acknowledged to the caller. */
export class LogUnavailableError extends Error {
  readonly code = 'log_unavailable';
  constructor(cause: unknown) {
    super(`the event log did not acknowledge the append: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/**
 * Appends to one topic with an idempotent producer (acks from all in-sync replicas).
 *
 * Concurrent appends are grouped: while one request is in flight, new messages queue and go out
 * together in the next request. kafkajs has no linger and serialises idempotent requests, so this
 * is what keeps throughput up under many concurrent writers. Partitions are computed here with
 * Kafka's default (murmur2) partitioner so each caller learns its own offset.
 */
export class EventLogProducer {
  private readonly producer: Producer;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private partitions: PartitionMetadata[] = [];
  private queue: Pending[] = [];
  private inFlight = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly opts: { maxBatch?: number; idempotent?: boolean } = {},
  ) {
    this.producer = kafka.producer({
      idempotent: opts.idempotent ?? true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded on purpose (kafkajs warns about it): an append that cannot be acknowledged within a
      // few seconds fails, its claim is released and the client gets a 503 to retry, rather than hang.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    await this.refreshPartitions();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
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
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.inFlight) void this.flush();
    });
  }

  /** Appends many messages; resolves with their positions, in order. */
  appendAll(messages: readonly OutgoingMessage[]): Promise<LogPosition[]> {
    return Promise.all(messages.map((m) => this.append(m)));
  }

  private async flush(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.opts.maxBatch ?? 5000);
        await this.sendBatch(batch);
      }
    } finally {
      this.inFlight = false;
    }
  }

  private async sendBatch(batch: Pending[]): Promise<void> {
    const withPartition = batch.map((p) => ({ p, partition: this.partitionOf(p.message.key) }));
    try {
      const meta = await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: withPartition.map(({ p, partition }) => ({
          key: p.message.key,
          value: p.message.value,
          partition,
          headers: p.message.headers,
        })),
      });
      const base = new Map(meta.map((m) => [m.partition, BigInt(m.baseOffset ?? '0')]));
      const next = new Map<number, bigint>();
      for (const { p, partition } of withPartition) {
        const offset = next.get(partition) ?? base.get(partition) ?? 0n;
        next.set(partition, offset + 1n);
        p.resolve({ partition, offset: offset.toString() });
      }
    } catch (e) {
      const err = new LogUnavailableError(e);
      for (const { p } of withPartition) p.reject(err);
    }
  }
}
