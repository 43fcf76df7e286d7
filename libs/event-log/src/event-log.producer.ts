import { Kafka, Partitioners, PartitionMetadata, Producer, RetryOptions } from 'kafkajs';
import { GroupCommit, Settled } from '@newsledger/batching';

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

/** Raised when Kafka did not acknowledge an append. */
export class LogUnavailableError extends Error {
  readonly code = 'log_unavailable';
  /**
   * @param confirmed - set when the append failed after it may have reached the broker (the reply
   *   was lost): the producer sends it again until the log acknowledges it, once — the broker tells
   *   a resent batch from a new one by its sequence numbers — and this settles with its position.
   *   Absent: the message was never sent.
   */
  constructor(cause: unknown, readonly confirmed?: Promise<LogPosition>) {
    super(`the event log did not acknowledge the append: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/**
 * After a failed send, new messages are refused at once (unsent) for this long; then a send is let
 * through to probe the broker. While Kafka is down a caller gets its 503 in milliseconds instead of
 * each waiting out a full retry cycle behind the one before.
 */
const PROBE_INTERVAL_MS = 1000;

/** A batch whose send failed after it may have reached the broker, waiting to be sent again. */
interface InDoubt {
  messages: OutgoingMessage[];
  settle: { resolve: (positions: LogPosition[]) => void; reject: (e: unknown) => void };
}

/** A group's failure, before it is told to each message with its own confirmation. */
class GroupInDoubtError extends Error {
  private readonly index: Map<OutgoingMessage, number>;
  constructor(readonly failure: unknown, messages: OutgoingMessage[], readonly confirmed: Promise<LogPosition[]>) {
    super('in doubt');
    this.index = new Map(messages.map((m, i) => [m, i]));
    // Nobody may be waiting for it (the callers may just have gone): never an unhandled rejection.
    confirmed.catch(() => undefined);
  }

  forMessage(message: OutgoingMessage): LogUnavailableError {
    const i = this.index.get(message)!;
    const confirmed = this.confirmed.then((positions) => positions[i]);
    // A caller that only reports the failure (the relay, dead letters) never reads it.
    confirmed.catch(() => undefined);
    return new LogUnavailableError(this.failure, confirmed);
  }
}

/** kafkajs' verdict on a failure, under its retry wrapper: may the same session try again? */
function sessionBroken(e: unknown): boolean {
  let x = e as { name?: string; retriable?: boolean; cause?: unknown } | undefined;
  while (x?.cause) x = x.cause as typeof x;
  return x?.name === 'KafkaJSProtocolError' && x.retriable === false;
}

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
  private inDoubt: InDoubt | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  /** Sends one at a time: the appends' groups and the timer's resends share the session. */
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly opts: {
      maxBatch?: number;
      idempotent?: boolean;
      /** How long an append waits, when none is in flight, for others to go out in the same request. @defaultValue 0 */
      lingerMs?: number;
      /**
       * The producer's retries of one send; the client's own retry policy (createKafka) bounds
       * each reconnection inside it. @defaultValue `{ retries: 5, initialRetryTime: 100, maxRetryTime: 2000 }`
       */
      retry?: RetryOptions;
    } = {},
  ) {
    this.appends = new GroupCommit((messages) => this.send(messages), opts.maxBatch ?? 5000, { lingerMs: opts.lingerMs });
  }

  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: this.opts.idempotent ?? true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded on purpose (kafkajs warns about it): an append that cannot be acknowledged within a
      // few seconds fails and the client gets a 503 rather than hang; what may have reached the
      // broker is resent in the background, in the same session (see `inDoubt`).
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
    clearInterval(this.resendTimer);
    this.inDoubt?.settle.reject(new Error('the producer was closed before the log acknowledged a resent append'));
    this.inDoubt = undefined;
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
    return this.appends.submit(message).catch((e: unknown) => {
      throw e instanceof GroupInDoubtError ? e.forMessage(message) : e;
    });
  }

  /** Appends many messages; resolves with their positions, in order, or fails with the first failure. */
  async appendAll(messages: readonly OutgoingMessage[]): Promise<LogPosition[]> {
    return (await this.appendEach(messages)).map((outcome) => {
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    });
  }

  /**
   * Appends many messages, each standing alone: resolves once all are settled with each one's
   * position or its {@link LogUnavailableError} (with its own confirmation when in doubt).
   */
  async appendEach(messages: readonly OutgoingMessage[]): Promise<Settled<LogPosition>[]> {
    const outcomes = await this.appends.submitAll(messages);
    return outcomes.map((outcome, i) =>
      outcome.ok || !(outcome.error instanceof GroupInDoubtError) ? outcome : { ok: false, error: outcome.error.forMessage(messages[i]) },
    );
  }

  private send(messages: OutgoingMessage[]): Promise<LogPosition[]> {
    const turn = this.sending.then(() => this.sendNow(messages));
    this.sending = turn.catch(() => undefined);
    return turn;
  }

  private async sendNow(messages: OutgoingMessage[]): Promise<LogPosition[]> {
    const down = this.unavailable;
    if (down && Date.now() - down.lastAttempt < PROBE_INTERVAL_MS) throw new LogUnavailableError(down.cause);
    // A batch in doubt goes out first, in the same session, so that the broker recognises it if it
    // had landed; new messages are refused until it is settled (they were never sent).
    if (this.inDoubt && !(await this.resendInDoubt())) throw new LogUnavailableError(this.unavailable?.cause);
    try {
      return await this.produce(messages);
    } catch (e) {
      // The request may have been written before the connection broke: only a resend in this
      // session can tell. So it is kept, and resent before anything else until it is acknowledged.
      const confirmed = new Promise<LogPosition[]>((resolve, reject) => {
        this.inDoubt = { messages, settle: { resolve, reject } };
      });
      this.resendTimer ??= setInterval(() => void (this.sending = this.sending.then(() => this.resendInDoubt())), PROBE_INTERVAL_MS).unref();
      throw new GroupInDoubtError(e, messages, confirmed);
    }
  }

  /** Sends the batch in doubt again; true once the log has acknowledged it. */
  private async resendInDoubt(): Promise<boolean> {
    const batch = this.inDoubt;
    if (!batch) return true;
    try {
      const positions = await this.produce(batch.messages);
      this.inDoubt = undefined;
      clearInterval(this.resendTimer);
      this.resendTimer = undefined;
      batch.settle.resolve(positions);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * One send in the current session. kafkajs rolls its sequence numbers back when a send fails, so
   * the next send of the session carries the failed one's numbers: it must be the same messages
   * (see `inDoubt`), or the broker could take new messages for a resend of ones that had landed —
   * acknowledged with those offsets and never written. A session the broker refuses (fenced,
   * unknown producer id) is replaced; a batch in doubt then goes out again in the new one, at worst
   * twice on the log, which the projector's index absorbs.
   */
  private async produce(messages: OutgoingMessage[]): Promise<LogPosition[]> {
    let partitions: number[];
    let meta;
    try {
      if (!this.producer) await this.connect();
      partitions = messages.map((m) => this.partitionOf(m.key));
      meta = await this.producer!.send({
        topic: this.topic,
        acks: -1,
        messages: messages.map((m, i) => ({ key: m.key, value: m.value, partition: partitions[i], headers: m.headers })),
      });
    } catch (e) {
      this.unavailable = { lastAttempt: Date.now(), cause: e };
      if (sessionBroken(e)) {
        const broken = this.producer;
        this.producer = undefined;
        void broken?.disconnect().catch(() => undefined);
      }
      throw e;
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
