import type { ConsumerConfig } from 'kafkajs';
import { EventLogConsumer } from './event-log.consumer';
import type { KafkaClient } from './kafka.factory';

/** A fake kafkajs consumer: what `run` was given, and the group-join handler. */
function fakeKafka() {
  const seen: { config?: ConsumerConfig; run?: { eachBatch: (payload: unknown) => Promise<void> } } = {};
  const consumer = {
    events: { GROUP_JOIN: 'join' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (r: { eachBatch: (payload: unknown) => Promise<void> }) => void (seen.run = r),
    disconnect: async () => undefined,
  };
  const kafka = { consumer: (c: ConsumerConfig) => ((seen.config = c), consumer) } as unknown as KafkaClient;
  return { kafka, seen };
}

/** eachBatch's payload for a batch of `n` messages of partition 0. */
function payload(n: number) {
  const messages = Array.from({ length: n }, (_, i) => ({ offset: String(i), key: null, value: Buffer.from('{}'), timestamp: '0', attributes: 0, headers: {} }));
  return {
    batch: { topic: 'events', partition: 0, highWatermark: String(n), messages, lastOffset: () => String(n - 1) },
    resolveOffset: () => undefined,
    heartbeat: async () => undefined,
    isRunning: () => true,
    isStale: () => false,
    commitOffsetsIfNecessary: async () => undefined,
    pause: () => undefined,
  };
}

/** Whether `p` is still pending after the tasks queued now have run. */
async function pending(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void p.finally(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  return !settled;
}

describe('EventLogConsumer fetches', () => {
  it('makes the next fetch wait gatherMs after a small (live) batch, so what arrives meanwhile comes in one fetch', async () => {
    const { kafka, seen } = fakeKafka();
    const applied: number[] = [];
    await new EventLogConsumer(kafka, 'events', 'group', { gatherMs: 300 }).start({
      onBatch: async (b) => void applied.push(b.messages.length),
      storedOffsets: async () => new Map(),
    });
    // A fetch itself is answered at once: an event after a quiet spell is not held by the broker.
    expect(seen.config?.maxWaitTimeInMs).toBe(500);
    expect(seen.config?.minBytes ?? 1).toBe(1);
    const small = seen.run!.eachBatch(payload(3));
    expect(await pending(small)).toBe(true);
    expect(applied).toEqual([3]);
    await small;
    // A backlog's batch never waits.
    expect(await pending(seen.run!.eachBatch(payload(1000)))).toBe(false);
  });

  it('never waits without gatherMs', async () => {
    const { kafka, seen } = fakeKafka();
    await new EventLogConsumer(kafka, 'events', 'group').start({ onBatch: async () => undefined, storedOffsets: async () => new Map() });
    expect(await pending(seen.run!.eachBatch(payload(3)))).toBe(false);
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
