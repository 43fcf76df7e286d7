import { createKafka, decodeStatusChange, ensureTopics } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { eventually, freshId, ownTopics, testConfig } from '@newsledger/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { DataSource } from 'typeorm';

const SUBJECTS = 20;
const EVENTS = 600;

describe('status-change relay crash (SIGKILL between publishing and marking, real Kafka and PostgreSQL)', () => {
  const runId = freshId('relay');
  const topics = ownTopics(runId);
  const env = {
    ...process.env, EVENTS_TOPIC: topics.events, STATUS_CHANGES_TOPIC: topics.statusChanges, DLQ_TOPIC: topics.dlq,
    PROJECTOR_GROUP_ID: `${runId}-group`, LOG_LEVEL: 'warn', KAFKA_SESSION_TIMEOUT_MS: '6000', RELAY_BATCH_SIZE: '50',
  };
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'relay-crash-spec' });
  let db: DataSource;
  let child: ChildProcess | undefined;

  /** The built projector; `faultAfterSends`: its relay kills the process after that many sends (test/support/relay-fault.preload.js). */
  function startProjector(faultAfterSends?: number): ChildProcess {
    const main = path.join(__dirname, '..', 'dist', 'apps', 'projector', 'src', 'main.js');
    const args = faultAfterSends === undefined ? [main] : ['-r', path.join(__dirname, 'support', 'relay-fault.preload.js'), main];
    const extra = faultAfterSends === undefined ? {} : { RELAY_FAULT_EXIT_AFTER_SENDS: String(faultAfterSends) };
    child = spawn(process.execPath, args, { env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'inherit'] });
    return child;
  }

  async function outbox(): Promise<{ total: number; published: number }> {
    const [r] = await db.query(`SELECT count(*)::int AS total, count(published_at)::int AS published FROM status_changes WHERE topic = $1`, [topics.statusChanges]);
    return r;
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

  it('loses nothing, and every duplicate carries the same change id and position', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: EVENTS }, (_, n) => {
      const subject = `exchange/${runId}-${n % SUBJECTS}`;
      const type = Math.floor(n / SUBJECTS) % 2 === 0 ? 'exchange.underway' : 'exchange.suspended';
      const event = {
        specversion: '1.0', id: `${runId}-ev-${n}`, type, subject, source: 'newsroom/relay-test', time: new Date(Date.UTC(2025, 4, 23, 8, 0, n)).toISOString(),
        datacontenttype: 'application/json', data: { source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data: {} },
      };
      return { key: subject, value: JSON.stringify(event) };
    });
    for (let i = 0; i < messages.length; i += 100) await producer.send({ topic: topics.events, messages: messages.slice(i, i + 100) });
    await producer.disconnect();

    // The relay kills its own process after its fifth send, before marking that batch.
    const doomed = startProjector(5);
    const [, signal] = (await once(doomed, 'exit')) as [number | null, string | null];
    expect(signal).toBe('SIGKILL');
    const atKill = await outbox();
    expect(atKill.published).toBeGreaterThan(0);
    expect(atKill.published).toBeLessThan(2 * EVENTS);

    startProjector();
    const expectedTotal = 2 * EVENTS;
    await eventually('every change projected and relayed', async () => {
      const o = await outbox();
      return o.total === expectedTotal && o.published === expectedTotal ? true : undefined;
    }, 120_000);
    child!.kill('SIGTERM');
    await once(child!, 'exit');

    const admin = kafka.admin();
    await admin.connect();
    const [end] = await admin.fetchTopicOffsets(topics.statusChanges);
    await admin.disconnect();
    const consumer = kafka.consumer({ groupId: `${runId}-reader` });
    const read: { key: string; value: string; id: string; seq: number; prevSeq: number }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: topics.statusChanges, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        const d = decodeStatusChange(message.value, headers);
        if (!d.ok) throw new Error(d.reason);
        expect(headers['newsledger-change-id']).toBe(d.change.id);
        read.push({ key: String(message.key), value: String(message.value), id: d.change.id, ...d.at });
      },
    });
    await eventually('the whole topic read back', async () => (read.length >= Number(end.offset) ? true : undefined), 60_000);
    await consumer.disconnect();

    const rows: { id: string; seq: string; subject: string }[] = await db.query(
      `SELECT id, seq, subject FROM status_changes WHERE topic = $1 ORDER BY seq`, [topics.statusChanges]);
    const firsts = new Map<string, (typeof read)[number]>();
    for (const m of read) {
      const seen = firsts.get(m.id);
      if (seen) expect({ ...m }).toEqual(seen);
      else firsts.set(m.id, m);
    }
    // Nothing lost, the killed batch sent twice, and in first occurrence the topic is in feed order.
    expect([...firsts.keys()]).toEqual(rows.map((r) => r.id));
    expect(read.length - firsts.size).toBeGreaterThan(0);
    expect([...firsts.values()].map((m) => m.seq)).toEqual(rows.map((r) => Number(r.seq)));
    for (const m of firsts.values()) expect(m.key).toBe(rows.find((r) => r.id === m.id)!.subject);
    // Each message names the one before it, so a reader can tell a gap from a skipped number.
    [...firsts.values()].slice(1).forEach((m, i) => expect(m.prevSeq).toBe([...firsts.values()][i].seq));
  });
});
