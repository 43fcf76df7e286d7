import type { ConsumerConfig } from 'kafkajs';
import { crashingKafka, eventuallyTrue, FAST_RESTARTS } from './crashing-kafka.fixture';
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

const hooks = (warned: string[] = []) => ({ onBatch: async () => undefined, storedOffsets: async () => new Map<number, string>(), warn: (m: string) => void warned.push(m) });

describe('EventLogConsumer after kafkajs gives up on its consumer', () => {
  // The restart itself is RestartingConsumer's (its spec): here, that the projector's consumer is one.
  it('starts a new consumer, which runs, and says so', async () => {
    const { kafka, made, crash } = crashingKafka();
    const warned: string[] = [];
    const c = new EventLogConsumer(kafka, 'events', 'group', { restartBackoff: FAST_RESTARTS });
    await c.start(hooks(warned));
    crash(0, false);
    await eventuallyTrue(() => made.length === 2 && made[1].ran);
    expect(warned).toEqual(['the consumer stopped and kafkajs will not restart it; starting a new one']);
    expect(made[1].config.groupId).toBe('group');
    await c.stop();
    expect(made[1].disconnected).toBe(true);
  });
});

describe('EventLogConsumer taking turns, across group joins and crashes', () => {
  /** A fake kafkajs consumer recording pauses and resumes, whose join and crash handlers the test fires. */
  function turnsKafka() {
    const handlers = new Map<string, (e: unknown) => void>();
    const calls: string[] = [];
    const seen: { run?: { eachBatch: (payload: unknown) => Promise<void> } } = {};
    const consumer = {
      events: { GROUP_JOIN: 'join', CRASH: 'crash' },
      on: (name: string, handler: (e: unknown) => void) => void handlers.set(name, handler),
      connect: async () => undefined,
      subscribe: async () => undefined,
      run: async (r: { eachBatch: (payload: unknown) => Promise<void> }) => void (seen.run = r),
      seek: () => undefined,
      pause: ([t]: { partitions: number[] }[]) => void calls.push(`pause ${t.partitions}`),
      resume: ([t]: { partitions: number[] }[]) => void calls.push(`resume ${t.partitions}`),
      disconnect: async () => undefined,
    };
    const kafka = { consumer: () => consumer } as unknown as KafkaClient;
    return { kafka, handlers, calls, seen };
  }

  /** eachBatch's payload for one message of `partition`, with `lag` messages after it. */
  const behindBy = (partition: number, lag: number) => ({
    ...payload(1),
    batch: { ...payload(1).batch, partition, highWatermark: String(lag + 1), offsetLag: () => String(lag) },
  });

  /** A consumer taking one partition at a time, partition 0 holding the turn and 1 waiting for it. */
  async function oneWaiting() {
    const fake = turnsKafka();
    const applied: number[] = [];
    const c = new EventLogConsumer(fake.kafka, 'events', 'group', { catchUp: { partitions: 1, behind: 10 } });
    await c.start({ onBatch: async (b) => void applied.push(b.partition), storedOffsets: async () => new Map() });
    await fake.seen.run!.eachBatch(behindBy(0, 100));
    await fake.seen.run!.eachBatch(behindBy(1, 100));
    return { ...fake, c, applied };
  }

  it('resumes on a group join every partition that waited for a turn, assigned or not (kafkajs keeps it paused)', async () => {
    const { c, handlers, calls, applied } = await oneWaiting();
    expect(applied).toEqual([0]);
    expect(calls).toEqual(['pause 1']);
    // Partition 1 revoked while it waited: it is resumed, so it is not left paused if assigned back.
    handlers.get('join')!({ payload: { memberAssignment: { events: [0] } } });
    expect(calls).toEqual(['pause 1', 'resume 1']);
    await c.stop();
  });

  it('forgets its turns when kafkajs crashes the consumer, resuming nothing on it, and starts again on the next join', async () => {
    const { c, handlers, calls, seen, applied } = await oneWaiting();
    // kafkajs restarts the consumer itself, with nothing paused.
    handlers.get('crash')!({ payload: { restart: true, error: new Error('Connection timeout') } });
    handlers.get('join')!({ payload: { memberAssignment: { events: [0, 1] } } });
    expect(calls).toEqual(['pause 1']);
    // Partition 1's batch comes again and takes the free turn.
    await seen.run!.eachBatch(behindBy(1, 90));
    expect(applied).toEqual([0, 1]);
    await c.stop();
  });
});
