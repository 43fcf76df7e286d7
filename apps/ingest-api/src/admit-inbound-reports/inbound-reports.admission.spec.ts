import type { NewsledgerConfig } from '@newsledger/config';
import type { KafkaClient } from '@newsledger/event-log';
import type { ReportRecorder } from '../recording/report.recorder';
import type { AdmissionLagHealth } from './admission-lag.health';
import { InboundReportsAdmission } from './inbound-reports.admission';
import type { KafkaDesksRepository } from './kafka-desks.repository';

/**
 * The admission over a fake kafkajs: the test hands batches to the eachBatch it runs, and sees
 * the rejections it sends and the offsets it commits. The recorder fails the batch's valid lines
 * (the log away) as long as `logDown` says.
 */
async function admissionOver() {
  const seen = { sent: [] as { topic: string; values: string[] }[], committed: [] as string[], logDown: true };
  let eachBatch: ((payload: unknown) => Promise<void>) | undefined;
  const consumer = {
    events: { CRASH: 'crash' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (r: { eachBatch: (payload: unknown) => Promise<void> }) => void (eachBatch = r.eachBatch),
    commitOffsets: async (o: { offset: string }[]) => void seen.committed.push(...o.map((x) => x.offset)),
    disconnect: async () => undefined,
  };
  const producer = {
    connect: async () => undefined,
    send: async ({ topic, messages }: { topic: string; messages: { value: string }[] }) => void seen.sent.push({ topic, values: messages.map((m) => m.value) }),
    disconnect: async () => undefined,
  };
  const kafka = { consumer: () => consumer, producer: () => producer } as unknown as KafkaClient;
  const config = { kafka: { inbound: { prefix: 't.inbound.', groupId: 'admission', admission: true, refreshMs: 60_000 } } } as unknown as NewsledgerConfig;
  const desks = { activeNames: async () => ['kyiv-desk'], principalOf: async () => ({ keyId: 'k1', name: 'kyiv-desk', scopes: ['ingest'] }) } as unknown as KafkaDesksRepository;
  const recorder = {
    admitEach: async (bodies: unknown[]) => bodies.map(() => (seen.logDown ? { ok: false, error: new Error('the log is unavailable') } : { ok: true, value: {} })),
  } as unknown as ReportRecorder;
  const lag = { admitted: () => undefined, failed: () => undefined } as unknown as AdmissionLagHealth;
  const admission = new InboundReportsAdmission(kafka, config, desks, recorder, lag);
  admission.onApplicationBootstrap();
  for (let i = 0; i < 100 && !eachBatch; i++) await new Promise((r) => setTimeout(r, 5));
  return { admission, seen, eachBatch: eachBatch! };
}

/** eachBatch's payload: an invalid message at offset 0 and a report at offset 1 of the desk's topic. */
const batch = {
  batch: {
    topic: 't.inbound.kyiv-desk',
    partition: 0,
    messages: [
      { offset: '0', key: null, value: Buffer.from('not json') },
      { offset: '1', key: null, value: Buffer.from(JSON.stringify({ id: 'r1', type: 'exchange.underway', subject: 'exchange/x', data: {} })) },
    ],
  },
  heartbeat: async () => undefined,
  isRunning: () => true,
  isStale: () => false,
  resolveOffset: () => undefined,
};

describe('InboundReportsAdmission', () => {
  it('refuses a batch\'s invalid reports once, when the batch is settled, not at every read of a batch the log did not take', async () => {
    const { admission, seen, eachBatch } = await admissionOver();
    try {
      await expect(eachBatch(batch)).rejects.toThrow('the log is unavailable');
      // Read again: the same refusal is decided again, so nothing was sent and nothing committed.
      expect(seen.sent).toEqual([]);
      expect(seen.committed).toEqual([]);

      seen.logDown = false;
      await eachBatch(batch);
      expect(seen.sent).toHaveLength(1);
      expect(seen.sent[0].topic).toBe('t.inbound.rejections.kyiv-desk');
      expect(seen.sent[0].values.map((v) => (JSON.parse(v) as { error: string; original: { offset: string } })).map((r) => [r.error, r.original.offset])).toEqual([['invalid_report', '0']]);
      expect(seen.committed).toEqual(['2']);
    } finally {
      await admission.onApplicationShutdown();
    }
  });
});
