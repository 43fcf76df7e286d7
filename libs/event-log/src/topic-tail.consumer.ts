import { randomUUID } from 'node:crypto';
import { Consumer, IHeaders, Kafka } from 'kafkajs';

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
  private readonly consumer: Consumer;
  private stopped = false;

  constructor(kafka: Kafka, private readonly topic: string) {
    this.consumer = kafka.consumer({
      groupId: `${topic}.tail.${randomUUID()}`,
      allowAutoTopicCreation: false,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 500,
      // A tail stopped while it is still joining its group makes the join fail, and kafkajs would
      // then schedule a restart of the consumer after its disconnect: not once it is stopped.
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000, restartOnFailure: async () => !this.stopped },
    });
  }

  /**
   * Starts following; `onBatch` gets each partition's batch in order, one at a time. `onStopped`
   * is told when the consumer crashed and kafkajs will not restart it.
   */
  async start(onBatch: (messages: TailMessage[]) => Promise<void>, onStopped?: (e: unknown) => void): Promise<void> {
    const c = this.consumer;
    if (onStopped) c.on(c.events.CRASH, (e) => !e.payload.restart && onStopped(e.payload.error));
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

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
  }
}
