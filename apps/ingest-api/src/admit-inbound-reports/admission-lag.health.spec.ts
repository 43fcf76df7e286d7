import type { NewsledgerConfig } from '@newsledger/config';
import type { KafkaClient } from '@newsledger/event-log';
import { Registry } from 'prom-client';
import { AdmissionLagHealth } from './admission-lag.health';
import type { KafkaDesksRepository } from './kafka-desks.repository';

const STALL_AFTER_MS = 60_000;

const t0 = Date.parse('2026-12-06T12:00:00.000Z');

/** How the fake broker answers the lag's reads. */
type Broker = 'up' | 'down' | 'hanging';

/**
 * The lag health over a fake kafkajs admin: desk `kyiv-desk`'s topic has one partition, 5 reports
 * behind, that never moves. `sampleAt` samples it `ms` after t0 and waits for the sample, unless
 * the broker hangs.
 */
function lagHealthOver() {
  let broker: Broker = 'up';
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchOffsets: async ({ topics }: { topics: string[] }) => {
      if (broker === 'down') throw new Error('The broker is not reachable');
      if (broker === 'hanging') await new Promise(() => undefined);
      return topics.map((topic) => ({ topic, partitions: [{ partition: 0, offset: '10' }] }));
    },
    fetchTopicOffsets: async () => [{ partition: 0, offset: '15', high: '15', low: '0' }],
  };
  const kafka = { admin: () => admin } as unknown as KafkaClient;
  const config = { kafka: { inbound: { prefix: 't.inbound.', groupId: 'admission', stallAfterMs: STALL_AFTER_MS } } } as unknown as NewsledgerConfig;
  const desks = { activeNames: async () => ['kyiv-desk'] } as unknown as KafkaDesksRepository;
  const registry = new Registry();
  const health = new AdmissionLagHealth(kafka, config, desks, registry);
  const sampleAt = async (ms: number, answer: Broker = 'up'): Promise<void> => {
    broker = answer;
    jest.setSystemTime(t0 + ms);
    const sampling = health.sample();
    if (answer !== 'hanging') await sampling;
  };
  const gauge = async () => (await registry.getSingleMetric('newsledger_admission_lag')!.get()).values.map((v) => [v.labels.desk, v.value]);
  return { health, sampleAt, gauge };
}

type Admission = {
  status: string;
  waiting: { desk: string; lag: number }[];
  stalled: { desk: string; lag: number; stalledForMs: number; lastError: string | null }[];
  sampledAt?: string;
  unread?: string;
  message?: string;
};

async function admissionOf(health: AdmissionLagHealth): Promise<Admission> {
  return (await health.check()).admission as unknown as Admission;
}

describe('AdmissionLagHealth', () => {
  beforeEach(() => jest.useFakeTimers({ now: t0, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  it('says when what it shows was sampled', async () => {
    const { health, sampleAt, gauge } = lagHealthOver();
    await sampleAt(0);
    expect(await admissionOf(health)).toEqual({ status: 'up', waiting: [{ desk: 'kyiv-desk', lag: 5 }], stalled: [], sampledAt: '2026-12-06T12:00:00.000Z' });
    expect(await gauge()).toEqual([['kyiv-desk', 5]]);
  });

  it('says why nothing is known when no sample could be taken yet', async () => {
    const { health, sampleAt, gauge } = lagHealthOver();
    await sampleAt(0, 'down');
    expect(await admissionOf(health)).toEqual({ status: 'up', waiting: [], stalled: [], unread: 'The broker is not reachable' });
    expect(await gauge()).toEqual([]);
  });

  it('while the lag cannot be read, shows the last sample as of its time, names no stall the missing samples would make, and keeps no gauge series', async () => {
    const { health, sampleAt, gauge } = lagHealthOver();
    await sampleAt(0);
    await sampleAt(STALL_AFTER_MS + 10_000, 'down');
    expect(await admissionOf(health)).toEqual({
      status: 'up',
      waiting: [{ desk: 'kyiv-desk', lag: 5 }],
      stalled: [],
      sampledAt: '2026-12-06T12:00:00.000Z',
      unread: 'The broker is not reachable',
    });
    expect(await gauge()).toEqual([]);
  });

  it('names no stall from time a sample still being read has not seen', async () => {
    const { health, sampleAt } = lagHealthOver();
    await sampleAt(0);
    await sampleAt(STALL_AFTER_MS + 10_000, 'hanging');
    expect(await admissionOf(health)).toEqual({ status: 'up', waiting: [{ desk: 'kyiv-desk', lag: 5 }], stalled: [], sampledAt: '2026-12-06T12:00:00.000Z' });
  });

  it('names the stall once a sample shows it, from the first sample that saw the position', async () => {
    const { health, sampleAt, gauge } = lagHealthOver();
    await sampleAt(0);
    await sampleAt(STALL_AFTER_MS + 10_000, 'down');
    await sampleAt(STALL_AFTER_MS + 20_000);
    const admission = await admissionOf(health);
    expect(admission.unread).toBeUndefined();
    expect(admission.sampledAt).toBe('2026-12-06T12:01:20.000Z');
    expect(admission.stalled).toEqual([{ desk: 'kyiv-desk', lag: 5, stalledForMs: STALL_AFTER_MS + 20_000, lastError: null }]);
    expect(admission.message).toBe(
      "admission is stalled on desk kyiv-desk (lag 5, no progress for 80 s); see the ingest API's log for the failing batch; HTTP ingest is not affected",
    );
    expect(await gauge()).toEqual([['kyiv-desk', 5]]);
  });

  it('names a stall seen before the lag became unreadable with the length it had at the last sample, and says so', async () => {
    const { health, sampleAt } = lagHealthOver();
    await sampleAt(0);
    await sampleAt(STALL_AFTER_MS);
    await sampleAt(STALL_AFTER_MS + 30_000, 'down');
    const admission = await admissionOf(health);
    expect(admission.stalled).toEqual([{ desk: 'kyiv-desk', lag: 5, stalledForMs: STALL_AFTER_MS, lastError: null }]);
    expect(admission.message).toBe(
      'admission is stalled on desk kyiv-desk (lag 5, no progress for 60 s) as of 2026-12-06T12:01:00.000Z, the last time its lag could be read ' +
        "(it cannot now: The broker is not reachable); see the ingest API's log for the failing batch; HTTP ingest is not affected",
    );
  });
});
