import { replay, RecordedEvent, SubjectSummary, summarize, toView } from '@newsledger/domain';
import { SubjectStateStore } from '@newsledger/persistence';
import { fromCloudEvent, toLogMessage } from '@newsledger/event-log';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { eventually } from './stack';

/** A seeded generator, so a failing run can be reproduced. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * `total` CloudEvents over `subjects` exchanges of one run, with every event type, every
 * confirmation and retractions of earlier events of the same subject; ids are `<prefix>-ev-<n>`.
 */
export function makeExchangeEvents(prefix: string, total: number, subjects: number, seed = 20250523): { key: string; value: string }[] {
  const rnd = lcg(seed);
  const types = ['exchange.proposed', 'exchange.agreed', 'exchange.underway', 'exchange.phase.completed', 'exchange.details.reported', 'exchange.completed', 'exchange.suspended'];
  const confirmations = ['confirmed', 'reported', 'claimed', 'unconfirmed', 'denied'];
  const seen: Record<string, string[]> = {};
  const out: { key: string; value: string }[] = [];
  for (let i = 0; i < total; i++) {
    const subject = `exchange/${prefix}-${Math.floor(rnd() * subjects)}`;
    const id = `${prefix}-ev-${i}`;
    const earlier = seen[subject] ?? (seen[subject] = []);
    let type = types[Math.floor(rnd() * types.length)];
    let data: Record<string, unknown> = {};
    if (earlier.length > 3 && rnd() < 0.05) {
      type = 'report.retracted';
      data = { eventId: earlier.splice(Math.floor(rnd() * earlier.length), 1)[0], reason: 'retracted by the desk' };
    } else if (type === 'exchange.proposed' || type === 'exchange.agreed') {
      data = { parties: ['UA', 'RU'], releasedBy: { UA: 1 + Math.floor(rnd() * 1000), RU: 1 + Math.floor(rnd() * 1000) } };
    } else if (type === 'exchange.phase.completed') {
      data = { phase: 1 + Math.floor(rnd() * 3), releasedBy: { UA: Math.floor(rnd() * 300), RU: Math.floor(rnd() * 300) } };
    } else if (type === 'exchange.details.reported') {
      data = { expectedDays: 1 + Math.floor(rnd() * 5) };
    }
    if (type !== 'report.retracted') earlier.push(id);
    const event = {
      specversion: '1.0', id, type, subject, source: 'newsroom/fault-test', time: new Date(Date.UTC(2025, 4, 23, 8, 0, i)).toISOString(),
      datacontenttype: 'application/json',
      data: { source: { name: 'wire', kind: 'agency' }, confirmation: confirmations[Math.floor(rnd() * confirmations.length)], data },
    };
    out.push({ key: subject, value: JSON.stringify(event) });
  }
  return out;
}

/** Events of the run indexed so far. */
export async function indexedCount(db: DataSource, prefix: string): Promise<number> {
  const rows = await db.query(`SELECT count(*)::int AS n FROM events WHERE event_id LIKE $1`, [`${prefix}-ev-%`]);
  return rows[0].n;
}

/**
 * Reads the whole topic back and folds it with the same reducers, then compares every stored view of
 * the run with that fresh replay. Returns how many events the stored views counted.
 */
export async function expectViewsEqualFreshReplay(kafka: Kafka, db: DataSource, topic: string, prefix: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((n, e) => n + Number(e.offset), 0);
  const consumer = kafka.consumer({ groupId: `${prefix}-replay-${Date.now()}`, maxWaitTimeInMs: 500 });
  const log: RecordedEvent[] = [];
  const seen = new Set<string>();
  let read = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      read += 1;
      const r = fromCloudEvent(message.value, toLogMessage(partition, message));
      if (r.ok && !seen.has(r.event.id)) {
        seen.add(r.event.id);
        log.push(r.event);
      }
    },
  });
  await eventually('the whole log read back', async () => (read >= total ? true : undefined), 120_000);
  await consumer.disconnect();

  const bySubject = new Map<string, RecordedEvent[]>();
  for (const e of log.sort((a, b) => a.position.partition - b.position.partition || Number(a.position.offset) - Number(b.position.offset))) {
    (bySubject.get(e.subject) ?? bySubject.set(e.subject, []).get(e.subject)!).push(e);
  }
  const rows: { subject: string; summary: SubjectSummary; event_count: number }[] = await db.query(
    `SELECT subject, summary, event_count FROM views WHERE subject LIKE $1`, [`exchange/${prefix}-%`]);
  expect(rows).toHaveLength(bySubject.size);
  // The views as reads replay them, from the snapshots and the event index the projector wrote.
  const readBack = await new SubjectStateStore().load(db, rows.map((r) => r.subject));
  let counted = 0;
  for (const row of rows) {
    const replayed = replay(row.subject, bySubject.get(row.subject)!);
    expect(row.summary).toEqual(JSON.parse(JSON.stringify(summarize(replayed))));
    expect(toView(readBack.get(row.subject)!.state)).toEqual(toView(replayed));
    counted += row.event_count;
  }
  return counted;
}
