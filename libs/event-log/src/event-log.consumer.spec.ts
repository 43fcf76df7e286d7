import type { ConsumerConfig } from 'kafkajs';
import { EventLogConsumer } from './event-log.consumer';
import type { KafkaClient } from './kafka.factory';

/** The consumer settings an EventLogConsumer asks its Kafka client for. */
function configOf(opts: ConstructorParameters<typeof EventLogConsumer>[3]): ConsumerConfig {
  let config: ConsumerConfig | undefined;
  const kafka = { consumer: (c: ConsumerConfig) => ((config = c), {}) } as unknown as KafkaClient;
  new EventLogConsumer(kafka, 'events', 'group', opts);
  return config!;
}

describe('EventLogConsumer fetch settings', () => {
  it('lets the broker gather up to a fetch\'s worth for gatherMs, so live traffic comes in fewer, larger batches', () => {
    expect(configOf({ gatherMs: 20 })).toMatchObject({ maxWaitTimeInMs: 20, minBytes: 1024 * 1024 });
  });

  it('is answered as soon as one message is there without it', () => {
    expect(configOf({})).toMatchObject({ maxWaitTimeInMs: 500, minBytes: 1 });
    expect(configOf({ gatherMs: 0 })).toMatchObject({ maxWaitTimeInMs: 500, minBytes: 1 });
  });
});

describe('EventLogConsumer stopped while an admission is pending', () => {
  it('resumes nothing once stopped, so an admission answered after the stop cannot throw', async () => {
    let joined: ((e: unknown) => void) | undefined;
    let stopped = false;
    const resumed: unknown[] = [];
    const consumer = {
      events: { GROUP_JOIN: 'join' },
      on: (_: string, handler: (e: unknown) => void) => (joined = handler),
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async () => undefined,
      seek: () => undefined,
      disconnect: async () => void (stopped = true),
      resume: (what: unknown) => {
        // What kafkajs does once disconnected.
        if (stopped) throw new Error('Consumer group was not initialized, consumer#run must be called first');
        resumed.push(what);
      },
    };
    const kafka = { consumer: () => consumer } as unknown as KafkaClient;
    const c = new EventLogConsumer(kafka, 'events', 'group');
    let admit: (ok: boolean) => void = () => undefined;
    const logged: string[] = [];
    await c.start({
      onBatch: async () => undefined,
      storedOffsets: async () => new Map(),
      admit: () => new Promise<boolean>((resolve) => (admit = resolve)),
      log: (message) => logged.push(message),
    });
    joined!({ payload: { memberAssignment: { events: [0, 1] } } });
    await c.stop();
    admit(true);
    await new Promise((r) => setImmediate(r));
    await expect(c.release()).resolves.toBeUndefined();
    expect(resumed).toEqual([]);
    expect(logged).not.toContain('could not resume after the group join');
  });
});
