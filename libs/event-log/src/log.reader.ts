import { randomUUID } from 'node:crypto';
import { Consumer, Kafka } from 'kafkajs';
import { LogBatch, logConsumerConfig, toLogBatch } from './log-batch';
import { withAdmin } from './topics';

/** What a {@link LogReader} asks of its user. */
export interface LogReaderHooks {
  /** Where each partition starts (absent: at the beginning of the log). */
  startOffsets(partitions: number[]): Promise<Map<number, string>>;
  /**
   * Handles one partition's batch and returns how many of its messages (a prefix) it took.
   * Taking fewer than all pauses the partition: the rest is fetched again after `resume`.
   */
  onBatch(batch: LogBatch, heartbeat: () => Promise<void>): Promise<number>;
  /** The consumer gave up (broker gone for longer than its retries). */
  onCrash?(error: unknown): void;
}

/**
 * Reads a topic for audits and rebuilds: a consumer group of its own (so it never disturbs the
 * projector's), nothing committed, and a bound per partition enforced by pausing — the caller
 * decides how far each partition may go, and resumes it when the bound moves.
 */
export class LogReader {
  private readonly consumer: Consumer;
  private readonly pausedPartitions = new Set<number>();

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    opts: { groupPrefix: string; sessionTimeout?: number },
  ) {
    this.consumer = kafka.consumer(
      logConsumerConfig(`${opts.groupPrefix}.${randomUUID()}`, { sessionTimeout: opts.sessionTimeout, maxWaitTimeInMs: 200 }),
    );
  }

  async start(hooks: LogReaderHooks): Promise<void> {
    const c = this.consumer;
    c.on(c.events.GROUP_JOIN, (e) => {
      const assigned = e.payload.memberAssignment[this.topic] ?? [];
      void hooks
        .startOffsets(assigned)
        .then((start) => {
          for (const [partition, offset] of start) c.seek({ topic: this.topic, partition, offset });
        })
        .catch((error: unknown) => hooks.onCrash?.(error));
    });
    if (hooks.onCrash) c.on(c.events.CRASH, (e) => hooks.onCrash?.(e.payload.error));
    await c.connect();
    await c.subscribe({ topic: this.topic, fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0 || this.pausedPartitions.has(batch.partition)) return;
        const logBatch = toLogBatch(batch);
        const { messages } = logBatch;
        const taken = await hooks.onBatch(logBatch, heartbeat);
        if (taken > 0) resolveOffset(messages[Math.min(taken, messages.length) - 1].offset);
        if (taken < messages.length) {
          // Unresolved messages are fetched again from the last resolved offset after resume.
          this.pausedPartitions.add(batch.partition);
          pause();
        }
      },
    });
  }

  /** Partitions paused because their handler stopped short. */
  paused(): number[] {
    return [...this.pausedPartitions];
  }

  /** Lets paused partitions be fetched again, from the first message not taken. */
  resume(partitions: number[]): void {
    const resumed = partitions.filter((p) => this.pausedPartitions.delete(p));
    if (resumed.length > 0) this.consumer.resume([{ topic: this.topic, partitions: resumed }]);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** Each partition's end offset (the offset the next message will get). */
export async function fetchEndOffsets(kafka: Kafka, topic: string): Promise<Map<number, string>> {
  return withAdmin(kafka, async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high])));
}
