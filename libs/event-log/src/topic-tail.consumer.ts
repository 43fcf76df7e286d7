import { randomUUID } from 'node:crypto';
import { Consumer, IHeaders, Kafka } from 'kafkajs';
import { RestartingConsumer, RestartReporting } from './restarting.consumer';

/** One message as a tail hands it over, headers decoded as UTF-8. */
export interface TailMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

function decodeHeaders(h: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = first.toString();
  }
  return out;
}

/**
 * Follows a topic from its end, for in-process fan-out: a group of its own (every process sees
 * every message), nothing committed. Whatever it misses while away is read from the durable copy
 * by the caller, never from Kafka offsets.
 */
export class TopicTail {
  /** A group of its own, the same for every consumer a restart makes. */
  private readonly groupId: string;
  private kept: RestartingConsumer | undefined;

  constructor(private readonly kafka: Kafka, private readonly topic: string) {
    this.groupId = `${topic}.tail.${randomUUID()}`;
  }

  /**
   * Starts following; `onBatch` gets each partition's batch in order, one at a time. A consumer
   * kafkajs gives up on is started again ({@link RestartingConsumer}), as `restarts` is told.
   * Rejects when the first consumer cannot connect.
   */
  async start(onBatch: (messages: TailMessage[]) => Promise<void>, restarts: RestartReporting = {}): Promise<void> {
    const kept = new RestartingConsumer({ make: (restartOnFailure) => this.newConsumer(restartOnFailure), run: (c) => this.run(c, onBatch), ...restarts });
    this.kept = kept;
    await kept.start();
  }

  async stop(): Promise<void> {
    await this.kept?.stop();
  }

  private newConsumer(restartOnFailure: () => Promise<boolean>): Consumer {
    return this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 500,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000, restartOnFailure },
    });
  }

  private async run(c: Consumer, onBatch: (messages: TailMessage[]) => Promise<void>): Promise<void> {
    await c.connect();
    await c.subscribe({ topic: this.topic, fromBeginning: false });
    await c.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        await onBatch(
          batch.messages.map((m) => ({
            partition: batch.partition,
            offset: m.offset,
            key: m.key ? m.key.toString('utf8') : null,
            value: m.value,
            headers: decodeHeaders(m.headers),
          })),
        );
      },
    });
  }
}
