import type { NewsledgerConfig } from '@newsledger/config';
import type { KafkaClient } from '@newsledger/event-log';
import { Registry } from 'prom-client';
import { AdmissionLagHealth } from './admission-lag.health';
import type { KafkaDesksRepository } from './kafka-desks.repository';

const STALL_AFTER_MS = 60_000;

/**
 * The lag health over a fake kafkajs admin: desk `kyiv-desk`'s topic has one partition whose end
 * and committed offsets the test sets, or whose reads fail while `down` says.
 */
function lagHealthOver() {
  const log = { end: '15', committed: '10', down: false };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchOffsets: async ({ topics }: { topics: string[] }) => {
      if (log.down) throw new Error('The broker is not reachable');
      return topics.map((topic) => ({ topic, partitions: [{ partition: 0, offset: log.committed }] }));
    },
    fetchTopicOffsets: async () => [{ partition: 0, offset: log.end, high: log.end, low: '0' }],
  };
  const kafka = { admin: () => admin } as unknown as KafkaClient;
  const config = { kafka: { inbound: { prefix: 't.inbound.', groupId: 'admission', stallAfterMs: STALL_AFTER_MS } } } as unknown as NewsledgerConfig;
  const desks = { activeNames: async () => ['kyiv-desk'] } as unknown as KafkaDesksRepository;
  return { health: new AdmissionLagHealth(kafka, config, desks, new Registry()), log };
}

type Admission = { waiting: unknown[]; stalled: { desk: string; lag: number; stalledForMs: number }[]; sampledAt?: string; unread?: string; message?: string };

async function admissionOf(health: AdmissionLagHealth): Promise<Admission> {
  return (await health.check()).admission as unknown as Admission;
}

describe('AdmissionLagHealth', () => {
  const t0 = Date.parse('2026-12-06T12:00:00.000Z');
  beforeEach(() => jest.useFakeTimers({ now: t0, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('says when what it shows was sampled', async () => {
    const { health } = lagHealthOver();
    await health.sample();
    expect(await admissionOf(health)).toEqual({ status: 'up', waiting: [{ desk: 'kyiv-desk', lag: 5 }], stalled: [], sampledAt: '2026-12-06T12:00:00.000Z' });
  });

  it('while the lag cannot be read, shows the last sample as of its time and names no stall the missing samples would make', async () => {
    const { health, log } = lagHealthOver();
    await health.sample();
    log.down = true;
    jest.setSystemTime(t0 + STALL_AFTER_MS + 10_000);
    await health.sample();
    expect(await admissionOf(health)).toEqual({
      status: 'up',
      waiting: [{ desk: 'kyiv-desk', lag: 5 }],
      stalled: [],
      sampledAt: '2026-12-06T12:00:00.000Z',
      unread: 'The broker is not reachable',
    });
  });

  it('names the stall once a sample shows it, from the first sample that saw the position', async () => {
    const { health, log } = lagHealthOver();
    await health.sample();
    log.down = true;
    jest.setSystemTime(t0 + STALL_AFTER_MS + 10_000);
    await health.sample();
    log.down = false;
    jest.setSystemTime(t0 + STALL_AFTER_MS + 20_000);
    await health.sample();
    const admission = await admissionOf(health);
    expect(admission.unread).toBeUndefined();
    expect(admission.sampledAt).toBe('2026-12-06T12:01:20.000Z');
    expect(admission.stalled).toEqual([{ desk: 'kyiv-desk', lag: 5, stalledForMs: STALL_AFTER_MS + 20_000, lastError: null }]);
    expect(admission.message).toMatch(/desk kyiv-desk \(lag 5, no progress for 80 s\)/);
  });

  it('names a stall seen before the lag became unreadable with the length it had at the last sample', async () => {
    const { health, log } = lagHealthOver();
    await health.sample();
    jest.setSystemTime(t0 + STALL_AFTER_MS);
    await health.sample();
    log.down = true;
    jest.setSystemTime(t0 + STALL_AFTER_MS + 30_000);
    await health.sample();
    expect((await admissionOf(health)).stalled).toEqual([{ desk: 'kyiv-desk', lag: 5, stalledForMs: STALL_AFTER_MS, lastError: null }]);
  });
});
