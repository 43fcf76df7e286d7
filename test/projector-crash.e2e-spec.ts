import { replay, RecordedEvent, SubjectState, toView } from '@newsledger/domain';
import { createKafka, ensureTopics, fromCloudEvent } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { eventually, freshId, testConfig } from '@newsledger/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { DataSource } from 'typeorm';

const TOTAL = 4000;
const SUBJECTS = 40;

/** A seeded generator, so a failing run can be reproduced. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function makeEvents(prefix: string): { key: string; value: string }[] {
  const rnd = lcg(20250523);
  const types = ['exchange.proposed', 'exchange.agreed', 'exchange.underway', 'exchange.phase.completed', 'exchange.details.reported', 'exchange.completed', 'exchange.suspended'];
  const confirmations = ['confirmed', 'reported', 'claimed', 'unconfirmed', 'denied'];
  const seen: Record<string, string[]> = {};
  const out: { key: string; value: string }[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const subject = `exchange/${prefix}-${Math.floor(rnd() * SUBJECTS)}`;
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
      specversion: '1.0', id, type, subject, source: 'newsroom/crash-test', time: new Date(Date.UTC(2025, 4, 23, 8, 0, i)).toISOString(),
      datacontenttype: 'application/json',
      data: { source: { name: 'wire', kind: 'agency' }, confirmation: confirmations[Math.floor(rnd() * confirmations.length)], data },
    };
    out.push({ key: subject, value: JSON.stringify(event) });
  }
  return out;
}

describe('projector crash (SIGKILL mid-stream, real Kafka and PostgreSQL)', () => {
  const runId = freshId('crash');
  const topics = { events: `${runId}.events`, statusChanges: `${runId}.status-changes`, dlq: `${runId}.dlq` };
  const env = { ...process.env, EVENTS_TOPIC: topics.events, STATUS_CHANGES_TOPIC: topics.statusChanges, DLQ_TOPIC: topics.dlq, PROJECTOR_GROUP_ID: `${runId}-group`, LOG_LEVEL: 'warn',
    // A killed member holds its partitions until its session expires: keep that short here.
    KAFKA_SESSION_TIMEOUT_MS: '6000' };
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, clientId: 'crash-spec' });
  let db: DataSource;
  let child: ChildProcess | undefined;

  function startProjector(): ChildProcess {
    const p = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'apps', 'projector', 'src', 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    child = p;
    return p;
  }

  async function indexedCount(): Promise<number> {
    const rows = await db.query(`SELECT count(*)::int AS n FROM events WHERE event_id LIKE $1`, [`${runId}-ev-%`]);
    return rows[0].n;
  }

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 2);
    await ensureTopics(kafka, { ...topics, eventsPartitions: 6 });
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await db?.destroy();
  });

  it('ends with views equal to a fresh replay of the log, no event lost or counted twice', async () => {
    const messages = makeEvents(runId);
    const producer = kafka.producer();
    await producer.connect();

    let projector = startProjector();
    const half = messages.length / 2;
    for (let i = 0; i < half; i += 100) {
      await producer.send({ topic: topics.events, messages: messages.slice(i, i + 100) });
    }
    // Kill while it is applying: some of the first half is in, not all of it.
    await eventually('the projector to be part-way', async () => {
      const n = await indexedCount();
      return n > 0 ? n : undefined;
    }, 60_000);
    projector.kill('SIGKILL');
    await once(projector, 'exit');
    const atKill = await indexedCount();

    for (let i = half; i < messages.length; i += 100) {
      await producer.send({ topic: topics.events, messages: messages.slice(i, i + 100) });
    }
    // Re-sending a slice changes nothing: ids are unique in the index.
    await producer.send({ topic: topics.events, messages: messages.slice(0, 50) });
    await producer.disconnect();

    projector = startProjector();
    await eventually('every event to be projected', async () => ((await indexedCount()) === TOTAL ? true : undefined), 120_000);
    // Every partition's checkpoint must reach the end of the log (the re-sent slice included).
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topics.events);
    await admin.disconnect();
    await eventually('checkpoints at the end of the log', async () => {
      const rows: { partition: number; next_offset: string }[] = await db.query(
        `SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`, [env.PROJECTOR_GROUP_ID, topics.events]);
      const stored = new Map(rows.map((r) => [r.partition, String(r.next_offset)]));
      return ends.every((e) => e.offset === '0' || stored.get(e.partition) === e.offset) ? true : undefined;
    }, 60_000);
    projector.kill('SIGTERM');
    await once(projector, 'exit');

    // The fresh replay: read the whole topic back and fold it with the same reducers.
    const consumer = kafka.consumer({ groupId: `${runId}-replay` });
    const log: RecordedEvent[] = [];
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topic: topics.events, fromBeginning: true });
    let read = 0;
    const total = ends.reduce((n, e) => n + Number(e.offset), 0);
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        read += 1;
        const r = fromCloudEvent(message.value, { partition, offset: message.offset });
        if (r.ok && !seen.has(r.event.id)) {
          seen.add(r.event.id);
          log.push(r.event);
        }
      },
    });
    await eventually('the whole log read back', async () => (read >= total ? true : undefined), 60_000);
    await consumer.disconnect();

    const bySubject = new Map<string, RecordedEvent[]>();
    for (const e of log.sort((a, b) => a.position.partition - b.position.partition || Number(a.position.offset) - Number(b.position.offset))) {
      (bySubject.get(e.subject) ?? bySubject.set(e.subject, []).get(e.subject)!).push(e);
    }
    const rows: { subject: string; state: SubjectState; event_count: number }[] = await db.query(
      `SELECT subject, state, event_count FROM views WHERE subject LIKE $1`, [`exchange/${runId}-%`]);
    expect(atKill).toBeLessThan(TOTAL);
    expect(rows).toHaveLength(bySubject.size);
    let counted = 0;
    for (const row of rows) {
      const events = bySubject.get(row.subject)!;
      expect(toView(row.state)).toEqual(toView(replay(row.subject, events)));
      counted += row.event_count;
    }
    expect(counted).toBe(TOTAL);
  });
});
