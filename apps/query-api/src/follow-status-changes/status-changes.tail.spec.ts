import { EventBus } from '@nestjs/cqrs';
import { loadConfig } from '@newsledger/config';
import type { KafkaClient } from '@newsledger/event-log';
import { StatusChangesStore } from './status-changes.store';
import { StatusChangesTail } from './status-changes.tail';

/** A broker that is away: the tail's consumer keeps retrying its start, so only its sweeps and start read. */
const silentKafka = { admin: () => ({ connect: async () => Promise.reject(new Error('broker away')) }) } as unknown as KafkaClient;
const bus = { publish: () => undefined } as unknown as EventBus;

/** A store whose reads are counted; the first sweep's read waits until released. */
function heldStore(o: { lastSeqFailures?: number } = {}) {
  let failures = o.lastSeqFailures ?? 0;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const counts = { lastSeq: 0, sweeps: 0 };
  const store = {
    lastSeq: async () => {
      counts.lastSeq += 1;
      if (failures-- > 0) throw new Error('canceling statement due to statement timeout');
      return 0;
    },
    relayedBefore: async () => {
      counts.sweeps += 1;
      if (counts.sweeps === 1) await held;
      return undefined;
    },
  } as unknown as StatusChangesStore;
  return { store, counts, release };
}

describe('StatusChangesTail', () => {
  it('keeps one sweep in its serial chain while a sweep is held up, instead of one more every sweep period', async () => {
    jest.useFakeTimers();
    const { store, counts, release } = heldStore();
    const tail = new StatusChangesTail(silentKafka, loadConfig({ FEED_SWEEP_MS: '100' }), store, bus);
    tail.onApplicationBootstrap();
    try {
      await tail.ready();
      // Ten sweep periods while the first sweep's read is held up (a lock, until the statement timeout).
      await jest.advanceTimersByTimeAsync(1000);
      expect(counts.sweeps).toBe(1);
      release();
      await jest.advanceTimersByTimeAsync(0);
      // Nothing was queued behind it: the next sweep is the next period's.
      expect(counts.sweeps).toBe(1);
      await jest.advanceTimersByTimeAsync(100);
      expect(counts.sweeps).toBe(2);
    } finally {
      release();
      jest.useRealTimers();
      await tail.onModuleDestroy();
    }
  });

  it("reads the feed's position again when the first read fails, instead of leaving the feed without one", async () => {
    const { store, counts } = heldStore({ lastSeqFailures: 1 });
    const tail = new StatusChangesTail(silentKafka, loadConfig({ FEED_SWEEP_MS: '60000' }), store, bus);
    tail.onApplicationBootstrap();
    try {
      await tail.ready();
      expect(counts.lastSeq).toBe(2);
      expect(tail.position).toBe(0);
    } finally {
      await tail.onModuleDestroy();
    }
  });
});
