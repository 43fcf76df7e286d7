import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { replayAt, RecordedEvent, toView } from '@newsledger/domain';
import { createKafka, ensureTopics, fetchEndOffsets, withAdmin } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, freshId, ownStack, startApi, startContext, testConfig } from '@newsledger/testing';
import { ConfigResourceTypes, Producer } from 'kafkajs';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

const runFile = promisify(execFile);
const cli = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');

// A stack of its own (a rebuild swaps every view table of its schema), snapshots every 4 events.
const { schema, topics } = ownStack('audit', { SNAPSHOT_EVERY: '4' });

const MINUTE = 60_000;

function cloudEvent(
  id: string,
  subject: string,
  type: string,
  data: unknown,
  o: { confirmation?: string; time?: string; occurredAt?: string } = {},
) {
  return {
    key: subject,
    value: JSON.stringify({
      specversion: '1.0', id, type, subject, source: 'newsroom/audit-desk', time: o.time ?? new Date().toISOString(), datacontenttype: 'application/json',
      data: { source: { name: 'Reuters', kind: 'agency' }, confirmation: o.confirmation ?? 'confirmed', data, ...(o.occurredAt ? { occurredAt: o.occurredAt } : {}) },
    }),
  };
}

/** A recordedAt strictly after `instant` (asOf includes what was recorded at that very millisecond). */
function after(instant: string): string {
  return new Date(Math.max(Date.now(), Date.parse(instant) + 1)).toISOString();
}

/** A view as the API returns it, without what only a time-travel answer carries. */
function comparable(view: Record<string, unknown>): Record<string, unknown> {
  const { asOf: _asOf, validAt: _validAt, ...rest } = view;
  return rest;
}

describe('audit: time travel, export, verify, rebuild (own schema, real Kafka and PostgreSQL)', () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'audit-spec' });
  let producer: Producer;
  let db: DataSource;
  let projector: INestApplicationContext;
  let query: { app: INestApplication; url: string };
  let admin: ReturnType<typeof client>;
  let readOnly: ReturnType<typeof client>;
  let auditor: ReturnType<typeof client>;

  const publish = async (...messages: { key: string; value: string }[]) => {
    await producer.send({ topic: topics.events, messages });
  };
  const view = (kind: 'exchanges' | 'negotiations', id: string, query = '') => admin('GET', `/v1/${kind}/${id}${query}`);
  const projected = (id: string, eventCount: number, kind: 'exchanges' | 'negotiations' = 'exchanges') =>
    eventually(`${id} at ${eventCount} events`, async () => {
      const r = await view(kind, id);
      return r.status === 200 && r.body.eventCount === eventCount ? (r.body as Record<string, unknown>) : undefined;
    });
  /** Runs the compiled CLI against this stack. */
  const newsledger = (...args: string[]) => runFile(process.execPath, [cli, ...args], { env: process.env, maxBuffer: 64 * 1024 * 1024 });
  /** Every partition applied up to the end of the log. */
  const caughtUp = () =>
    eventually('the projector at the end of the log', async () => {
      const ends = await fetchEndOffsets(kafka, topics.events);
      const rows: { partition: number; next_offset: string }[] = await db.query(
        `SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`,
        [process.env.PROJECTOR_GROUP_ID, topics.events],
      );
      const stored = new Map(rows.map((r) => [r.partition, String(r.next_offset)]));
      return [...ends].every(([p, end]) => end === '0' || stored.get(p) === end) ? true : undefined;
    }, 60_000);

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 4, schema);
    await ensureTopics(kafka, { ...topics, eventsPartitions: 6 });
    producer = kafka.producer();
    await producer.connect();
    [projector, query] = await Promise.all([startContext(ProjectorModule), startApi(QueryApiModule)]);
    admin = client(query.url);
    const keyOf = async (name: string, scopes: string[]) => {
      const r = await admin('POST', '/v1/admin/keys', { name, scopes });
      expect(r.status).toBe(201);
      return r.body.key as string;
    };
    readOnly = client(query.url, await keyOf('audit-reader', ['read']));
    auditor = client(query.url, await keyOf('audit-auditor', ['audit']));
  });
  afterAll(async () => {
    await Promise.all([projector?.close(), query?.app.close(), producer?.disconnect()]);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  describe('time travel', () => {
    it('answers asOf with the view exactly as it stood at that instant, from snapshots where they serve', async () => {
      const id = freshId('asof');
      const subject = `exchange/${id}`;
      const steps: [string, unknown, string?][] = [
        ['exchange.proposed', { parties: ['UA', 'RU'], releasedBy: { UA: 500, RU: 500 } }],
        ['exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } }],
        ['exchange.completed', {}, 'claimed'],
        ['exchange.underway', { location: 'Ukraine–Belarus border' }],
        ['exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }],
        ['exchange.details.reported', { expectedDays: 3 }, 'unconfirmed'],
        ['exchange.phase.completed', { phase: 2, releasedBy: { UA: 307, RU: 307 } }],
        ['exchange.suspended', { reason: 'shelling' }, 'reported'],
        ['exchange.underway', {}],
        ['exchange.phase.completed', { phase: 3, releasedBy: { UA: 303, RU: 303 } }],
        ['exchange.completed', { releasedBy: { UA: 1000, RU: 1000 } }],
      ];
      const captured: { at: string; view: Record<string, unknown> }[] = [];
      for (const [i, [type, data, confirmation]] of steps.entries()) {
        const time = captured.length ? after(captured[captured.length - 1].at) : undefined;
        await publish(cloudEvent(`${id}-${i}`, subject, type, data, { confirmation, time }));
        const live = await projected(id, i + 1);
        captured.push({ at: new Date().toISOString(), view: live });
      }
      const retraction = cloudEvent(`${id}-r`, subject, 'report.retracted', { eventId: `${id}-10`, reason: 'total not confirmed' }, { time: after(captured[captured.length - 1].at) });
      await publish(retraction);
      captured.push({ at: new Date().toISOString(), view: await projected(id, steps.length + 1) });

      // Snapshots are taken behind the projection, every 4 events here.
      await eventually('the snapshots', async () => {
        const rows: { n: number }[] = await db.query(`SELECT max(event_count) AS n FROM snapshots WHERE subject = $1`, [subject]);
        return rows[0].n >= 4 * Math.floor((steps.length + 1) / 4) ? true : undefined;
      });
      const fromSnapshot: (string | null)[] = [];
      for (const { at, view: live } of captured) {
        const r = await view('exchanges', id, `?asOf=${at}`);
        expect(r.status).toBe(200);
        expect(comparable(r.body)).toEqual(live);
        expect(r.body.asOf).toBe(at);
        fromSnapshot.push(r.headers.get('x-replay-from-snapshot'));
      }
      // SNAPSHOT_EVERY is 4 here: the later answers start from a snapshot, the first ones cannot.
      expect(fromSnapshot[0]).toBe('none');
      expect(Number(fromSnapshot[fromSnapshot.length - 1])).toBeGreaterThanOrEqual(4);
      const before = await view('exchanges', id, `?asOf=${new Date(Date.parse(captured[0].at) - 10 * MINUTE).toISOString()}`);
      expect(before.status).toBe(404);
      // History and as-of need only `read`.
      expect((await readOnly('GET', `/v1/exchanges/${id}?asOf=${captured[3].at}`)).status).toBe(200);
      expect((await readOnly('GET', `/v1/exchanges/${id}/history`)).body.events[10]).toMatchObject({
        eventId: `${id}-10`, ingestor: 'audit-desk', source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed',
        retracted: true, retractedBy: `${id}-r`, position: { partition: expect.any(Number), offset: expect.any(String) },
      });
    });

    it('never starts from a snapshot holding an event recorded after asOf, however the clocks ran', async () => {
      // Ingest servers' clocks set recordedAt only on a topic an earlier version made (CreateTime,
      // before ensureTopics switched it to LogAppendTime): its messages keep their own times.
      const setTimestampType = (value: string) => withAdmin(kafka, (a) => a.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topics.events, configEntries: [{ name: 'retention.ms', value: '-1' }, { name: 'message.timestamp.type', value }] }],
      }));
      await setTimestampType('CreateTime');
      const id = freshId('skew');
      const subject = `exchange/${id}`;
      const t0 = Date.parse('2025-05-23T08:00:00Z');
      const at = (minutes: number) => new Date(t0 + minutes * MINUTE).toISOString();
      // Event 3 was recorded by an ingest server whose clock was an hour behind.
      const minutes = [0, 10, 20, -60, 30, 40, 50, 60, 70];
      const types = ['exchange.proposed', 'exchange.agreed', 'exchange.underway', 'exchange.suspended', 'exchange.underway', 'exchange.completed',
        'exchange.details.reported', 'exchange.details.reported', 'exchange.details.reported'];
      const messages = minutes.map((m, i) =>
        cloudEvent(`${id}-${i}`, subject, types[i], types[i].endsWith('proposed') || types[i].endsWith('agreed') ? { parties: ['UA', 'RU'] } : types[i].endsWith('reported') ? { expectedDays: i } : {}, { time: at(m) }));
      try {
        for (const m of messages) await publish(m);
      } finally {
        await ensureTopics(kafka, { ...topics, eventsPartitions: 6 });
      }
      await projected(id, messages.length);
      // Snapshots are taken behind the projection, at 4 and 8 events here.
      await eventually('the snapshots', async () => {
        const rows: { event_count: number }[] = await db.query(`SELECT event_count FROM snapshots WHERE subject = $1`, [subject]);
        return rows.some((r) => r.event_count === 8) ? true : undefined;
      });

      const events = (await readOnly('GET', `/v1/exchanges/${id}/history`)).body.events.map((e: Record<string, unknown>) => ({
        ...e, id: e.eventId, ...(e.occurredAt === null ? { occurredAt: undefined } : {}),
      })) as RecordedEvent[];
      for (const asOf of [at(-30), at(5), at(25), at(45), at(100)]) {
        const r = await view('exchanges', id, `?asOf=${asOf}`);
        expect(r.status).toBe(200);
        const expected = toView(replayAt(subject, events, { asOf }));
        expect(comparable(r.body)).toEqual(JSON.parse(JSON.stringify(expected)));
      }
      // Only the skewed event had been recorded at 07:30: the suspension alone.
      const skewed = await view('exchanges', id, `?asOf=${at(-30)}`);
      expect(skewed.body).toMatchObject({ eventCount: 1, reportedStatus: 'suspended' });
      expect(skewed.headers.get('x-replay-from-snapshot')).toBe('none');
      expect(Number((await view('exchanges', id, `?asOf=${at(100)}`)).headers.get('x-replay-from-snapshot'))).toBeGreaterThanOrEqual(4);
    });

    it('answers validAt with the earlier state of the world, alone and with asOf', async () => {
      const id = freshId('valid');
      const negotiationId = freshId('valid-talks');
      const subject = `exchange/${id}`;
      await publish(
        cloudEvent(`${id}-agreed`, subject, 'exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 }, negotiation: `negotiation/${negotiationId}` }, { occurredAt: '2025-05-16' }),
        cloudEvent(`${id}-underway`, subject, 'exchange.underway', {}, { occurredAt: '2025-05-23' }),
        cloudEvent(`${id}-phase`, subject, 'exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }, { occurredAt: '2025-05-23T18:00:00Z' }),
        cloudEvent(`${id}-done`, subject, 'exchange.completed', { releasedBy: { UA: 1000, RU: 1000 } }, { occurredAt: '2025-05' }),
      );
      await projected(id, 4);
      const talks = cloudEvent(`${negotiationId}-held`, `negotiation/${negotiationId}`, 'negotiation.round.held', { round: 1, venue: 'Istanbul' }, { occurredAt: '2025-05-16' });
      await publish(talks);
      await projected(negotiationId, 1, 'negotiations');
      const recordedBy = new Date().toISOString();

      // "2025-05" counts from May 1st, so the completion is known from then on: reports are taken at their word.
      expect((await view('exchanges', id, '?validAt=2025-04-30')).status).toBe(404);
      expect((await view('exchanges', id, '?validAt=2025-05-15')).body).toMatchObject({ status: 'completed', eventCount: 1 });
      const may20 = await view('exchanges', id, '?validAt=2025-05-20');
      expect(may20.body).toMatchObject({ status: 'completed', agreed: { stage: 'agreed' }, eventCount: 2, validAt: '2025-05-20' });
      expect((await view('exchanges', id, '?validAt=2025-05-23T12:00:00Z')).body).toMatchObject({ released: { RU: 1000, UA: 1000 }, eventCount: 3 });
      expect((await view('exchanges', id, '?validAt=2025-05-23')).body).toMatchObject({ phases: [{ phase: 1, eventId: `${id}-phase` }], eventCount: 4 });

      const retract = cloudEvent(`${id}-retract`, subject, 'report.retracted', { eventId: `${id}-done`, reason: 'premature' }, { occurredAt: '2025-06-30', time: after(recordedBy) });
      await publish(retract);
      await projected(id, 5);
      // The retraction counts for every validAt (we know now the report was wrong), but asOf before it was recorded still shows it.
      expect((await view('exchanges', id, '?validAt=2025-05-20')).body).toMatchObject({ status: 'agreed', eventCount: 3, retracted: { [`${id}-done`]: { by: `${id}-retract` } } });
      expect((await view('exchanges', id, `?validAt=2025-05-20&asOf=${recordedBy}`)).body).toMatchObject({ status: 'completed', eventCount: 2 });

      // The negotiation's exchanges follow the same rules: the agreement occurred on May 16th.
      expect((await view('negotiations', negotiationId, '?validAt=2025-05-15')).status).toBe(404);
      const held = await view('negotiations', negotiationId, '?validAt=2025-05-16');
      expect(held.body).toMatchObject({ status: 'active', exchanges: [subject], evidence: { exchanges: { [subject]: [`${id}-agreed`] } } });
      expect((await view('negotiations', negotiationId)).body.exchanges).toEqual([subject]);
      expect((await view('exchanges', id, '?validAt=23-05-2025')).status).toBe(400);
    });
  });

  describe('export', () => {
    it('streams a subject or a window of the log as NDJSON to auditors, over HTTP and from the CLI', async () => {
      const id = freshId('export');
      const subject = `exchange/${id}`;
      const from = new Date().toISOString();
      await publish(
        cloudEvent(`${id}-1`, subject, 'exchange.agreed', { parties: ['UA', 'RU'] }),
        cloudEvent(`${id}-2`, subject, 'exchange.underway', {}, { confirmation: 'claimed' }),
        cloudEvent(`${id}-3`, subject, 'report.retracted', { eventId: `${id}-2`, reason: 'not yet' }),
      );
      await projected(id, 3);
      // The history also names each withdrawn event's retraction; the export is the events as recorded.
      const withRetractions = (await admin('GET', `/v1/exchanges/${id}/history`)).body.events as Record<string, unknown>[];
      expect(withRetractions.map((e) => e.retraction)).toEqual([null, { eventId: `${id}-3`, recordedAt: withRetractions[2].recordedAt, source: withRetractions[2].source, reason: 'not yet' }, null]);
      const history = withRetractions.map(({ retraction: _retraction, ...e }) => e);

      const r = await auditor('GET', `/v1/export?subject=${subject}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = String(r.body).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toEqual(history);
      expect(lines[1]).toMatchObject({ eventId: `${id}-2`, retracted: true, retractedBy: `${id}-3`, ingestor: 'audit-desk' });

      const to = new Date(Date.now() + MINUTE).toISOString();
      const window = await auditor('GET', `/v1/export?from=${from}&to=${to}`);
      const windowIds = String(window.body).trim().split('\n').map((l) => JSON.parse(l).eventId);
      expect(windowIds).toEqual(expect.arrayContaining([`${id}-1`, `${id}-2`, `${id}-3`]));

      expect((await readOnly('GET', `/v1/export?subject=${subject}`)).status).toBe(403);
      const bad = await auditor('GET', '/v1/export?from=yesterday');
      expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_audit_request', details: [{ path: 'from' }] } });

      const file = path.join(tmpdir(), `${id}.ndjson`);
      await newsledger('export', '--subject', subject, '--out', file);
      expect((await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l))).toEqual(history);
    });
  });

  describe('bounded replay', () => {
    it('replays one subject up to an instant or a position into a JSON file, equal to the as-of view', async () => {
      const id = freshId('replay');
      const subject = `exchange/${id}`;
      await publish(cloudEvent(`${id}-1`, subject, 'exchange.agreed', { parties: ['UA', 'RU'] }), cloudEvent(`${id}-2`, subject, 'exchange.underway', {}));
      await projected(id, 2);
      const at = new Date().toISOString();
      await publish(cloudEvent(`${id}-3`, subject, 'exchange.completed', {}, { time: after(at) }));
      await projected(id, 3);
      const asOf = (await view('exchanges', id, `?asOf=${at}`)).body;

      const byInstant = path.join(tmpdir(), `${id}-at.json`);
      await newsledger('replay', '--subject', subject, '--as-of', at, '--out', byInstant);
      const file = JSON.parse(await readFile(byInstant, 'utf8'));
      expect(Object.keys(file.views)).toEqual([subject]);
      expect(file.views[subject]).toEqual(comparable(asOf));

      const second = (await admin('GET', `/v1/exchanges/${id}/history`)).body.events[1].position;
      const byPosition = path.join(tmpdir(), `${id}-position.json`);
      await newsledger('replay', '--subject', subject, '--until', `${second.partition}:${second.offset}`, '--out', byPosition);
      expect(JSON.parse(await readFile(byPosition, 'utf8')).views[subject]).toEqual(comparable(asOf));
      // The live view was not touched.
      expect((await view('exchanges', id)).body.eventCount).toBe(3);
    });
  });

  describe('rebuild and verify', () => {
    const seeded: string[] = [];

    beforeAll(async () => {
      const messages = [];
      for (let s = 0; s < 30; s++) {
        const id = freshId('load');
        seeded.push(id);
        const subject = `exchange/${id}`;
        messages.push(cloudEvent(`${id}-0`, subject, 'exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 10 * s + 1, RU: 10 * s + 1 } }));
        for (let i = 1; i < 40; i++) {
          const type = ['exchange.underway', 'exchange.phase.completed', 'exchange.details.reported', 'exchange.completed'][i % 4];
          const data = type === 'exchange.phase.completed' ? { phase: i, releasedBy: { UA: 1, RU: 1 } } : type === 'exchange.details.reported' ? { expectedDays: i } : {};
          messages.push(cloudEvent(`${id}-${i}`, subject, type, data, { confirmation: ['confirmed', 'claimed', 'reported'][i % 3] }));
        }
        messages.push(cloudEvent(`${id}-r`, subject, 'report.retracted', { eventId: `${id}-1`, reason: 'wrong' }));
      }
      for (let i = 0; i < messages.length; i += 500) await publish(...messages.slice(i, i + 500));
      await caughtUp();
    });

    it('verify finds nothing wrong in views the projector wrote, answered when done or as a job to follow', async () => {
      const r = await auditor('POST', '/v1/admin/verify');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ ok: true, differenceCount: 0, differences: [] });
      expect(r.body.events).toBeGreaterThan(1200);
      expect((await readOnly('POST', '/v1/admin/verify')).status).toBe(403);

      const asked = await auditor('POST', '/v1/admin/verify?limit=5', undefined, { prefer: 'respond-async', 'idempotency-key': 'verify-once' });
      expect(asked).toMatchObject({ status: 202, body: { kind: 'verify', status: 'running', requestedBy: 'audit-auditor', progressUrl: `/v1/admin/verify/${asked.body.id}` } });
      expect([asked.headers.get('location'), asked.headers.get('preference-applied')]).toEqual([`/v1/admin/verify/${asked.body.id}`, 'respond-async']);
      // A resend with the same key (its answer lost) is answered the same job, sent as a structured field string too.
      const resent = await auditor('POST', '/v1/admin/verify?limit=5', undefined, { prefer: 'respond-async', 'idempotency-key': '"verify-once"' });
      expect(resent).toMatchObject({ status: 202, body: { id: asked.body.id } });
      expect(resent.headers.get('location')).toBe(`/v1/admin/verify/${asked.body.id}`);
      expect((await readOnly('POST', '/v1/admin/verify', undefined, { prefer: 'respond-async', 'idempotency-key': 'verify-once' })).status).toBe(403);
      expect(await auditor('POST', '/v1/admin/verify', undefined, { prefer: 'respond-async', 'idempotency-key': 'a key with spaces' })).toMatchObject({
        status: 400, body: { error: 'invalid_audit_request', details: [{ path: 'Idempotency-Key' }] },
      });
      const phases = new Set<string>();
      const done = await eventually('the verify job done', async () => {
        const job = await auditor('GET', `/v1/admin/verify/${asked.body.id}`);
        phases.add(job.body.phase);
        return job.body.status === 'done' ? job.body : undefined;
      }, 120_000);
      expect(done).toMatchObject({ phase: 'done', worker: expect.any(String), attempts: 1, progress: { percent: 100 }, report: { ok: true, differenceCount: 0, events: r.body.events } });
      expect([...phases].every((p) => ['preparing', 'replaying', 'done'].includes(p))).toBe(true);
      expect((await auditor('GET', '/v1/admin/verify')).body.verifications[0]).toMatchObject({ id: asked.body.id });
      expect((await auditor('GET', '/v1/admin/verify/nope')).body).toMatchObject({ error: 'verify_not_found' });
      expect((await readOnly('GET', `/v1/admin/verify/${asked.body.id}`)).status).toBe(403);
    });

    it('rebuilds under continuous reads and writes with zero failed reads and identical views after', async () => {
      const before: { subject: string; row: unknown }[] = await db.query(
        `SELECT subject, to_jsonb(v) - 'subject' AS row FROM views v WHERE subject = ANY($1::text[]) ORDER BY subject`,
        [seeded.map((id) => `exchange/${id}`)],
      );
      expect(before).toHaveLength(seeded.length);
      const expected = new Map<string, unknown>();
      for (const id of seeded) expected.set(id, (await readOnly('GET', `/v1/exchanges/${id}`)).body);

      let reading = true;
      const failures: string[] = [];
      let reads = 0;
      const reader = async (n: number) => {
        for (let i = n; reading; i++) {
          const id = seeded[i % seeded.length];
          const paths = [`/v1/exchanges/${id}`, `/v1/exchanges?limit=20`, `/v1/exchanges/${id}?asOf=${new Date().toISOString()}`, `/v1/exchanges/${id}/history`];
          const p = paths[i % paths.length];
          const r = await readOnly('GET', p).catch((e: unknown) => ({ status: 0, body: String(e) }));
          reads += 1;
          if (r.status !== 200) failures.push(`${p}: ${r.status} ${JSON.stringify(r.body)}`);
          else if (p === `/v1/exchanges/${id}` && !isDeepStrictEqual(r.body, expected.get(id))) {
            failures.push(`${p}: changed during the rebuild`);
          }
        }
      };
      let writing = true;
      const written: string[] = [];
      const writer = async () => {
        for (let i = 0; writing && i < 200; i++) {
          const id = freshId('during');
          written.push(id);
          await publish(cloudEvent(`${id}-1`, `exchange/${id}`, 'exchange.agreed', { parties: ['UA', 'RU'] }), cloudEvent(`${id}-2`, `exchange/${id}`, 'exchange.underway', {}));
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      const load = [reader(0), reader(1), reader(2), reader(3), writer()];

      const phases = new Set<string>();
      let done: Record<string, any>;
      try {
        const started = await auditor('POST', '/v1/admin/rebuild', undefined, { 'idempotency-key': 'rebuild-once' });
        expect(started).toMatchObject({ status: 202, body: { status: 'running', progressUrl: `/v1/admin/rebuild/${started.body.id}` } });
        // Its resend is answered the running rebuild it started; any other request is refused while it runs.
        expect(await auditor('POST', '/v1/admin/rebuild', undefined, { 'idempotency-key': 'rebuild-once' })).toMatchObject({ status: 202, body: { id: started.body.id } });
        const second = await auditor('POST', '/v1/admin/rebuild');
        expect(second).toMatchObject({ status: 409, body: { error: 'rebuild_running' } });
        expect(await auditor('POST', '/v1/admin/rebuild', undefined, { 'idempotency-key': 'rebuild-twice' })).toMatchObject({ status: 409, body: { error: 'rebuild_running' } });
        done = await eventually('the rebuild to finish', async () => {
          const r = await auditor('GET', `/v1/admin/rebuild/${started.body.id}`);
          phases.add(r.body.phase);
          if (r.body.status === 'failed') throw new Error(r.body.error);
          return r.body.status === 'done' ? r.body : undefined;
        }, 120_000);
      } finally {
        // Stopped whatever happened, or the readers would hammer the API until jest is killed.
        reading = false;
        writing = false;
        await Promise.all(load);
      }

      expect(failures).toEqual([]);
      expect(reads).toBeGreaterThan(20);
      expect(done).toMatchObject({ phase: 'done', progress: { percent: 100 }, report: { differences: { views: 0, events: 0, links: 0, samples: [] } } });
      expect(done.report.eventsPerSecond).toBeGreaterThan(0);
      expect([...phases].every((p) => ['preparing', 'building', 'switching', 'done'].includes(p))).toBe(true);

      await caughtUp();
      const after: { subject: string; row: unknown }[] = await db.query(
        `SELECT subject, to_jsonb(v) - 'subject' AS row FROM views v WHERE subject = ANY($1::text[]) ORDER BY subject`,
        [seeded.map((id) => `exchange/${id}`)],
      );
      expect(after).toEqual(before);
      // Writes made during the rebuild are all there, in the new generation.
      const counts: { event_count: number }[] = await db.query(`SELECT event_count FROM views WHERE subject = ANY($1::text[])`, [written.map((id) => `exchange/${id}`)]);
      expect(counts.map((c) => c.event_count)).toEqual(written.map(() => 2));
      expect((await auditor('POST', '/v1/admin/verify')).body).toMatchObject({ ok: true, differenceCount: 0 });
      const tables: { name: string }[] = await db.query(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND (tablename LIKE '%\\_\\_next' OR tablename LIKE '%\\_\\_old')`,
        [schema],
      );
      expect(tables).toEqual([]);
    });

    it('verify reports a tampered view row and snapshot, field by field, over HTTP and from the CLI (exit 1); a rebuild repairs them', async () => {
      const subject = `exchange/${seeded[7]}`;
      await db.query(
        `UPDATE views SET status = 'cancelled', summary = jsonb_set(summary, '{confirmed,best,status}', '"underway"') WHERE subject = $1`,
        [subject],
      );
      // Reads start from snapshots (taken behind the projection, again after the rebuild above).
      const other = `exchange/${seeded[8]}`;
      await eventually('a snapshot to tamper with', async () =>
        ((await db.query(`SELECT 1 FROM snapshots WHERE subject = $1 AND event_count = 8`, [other])).length ? true : undefined));
      await db.query(`UPDATE snapshots SET state = jsonb_set(state::jsonb, '{eventCount}', '7')::json WHERE subject = $1 AND event_count = 8`, [other]);
      const r = await auditor('POST', '/v1/admin/verify');
      expect(r.body.ok).toBe(false);
      expect(r.body.differences).toEqual(
        expect.arrayContaining([
          { subject, field: 'row.status', stored: 'cancelled', replayed: 'completed' },
          { subject, field: 'summary.confirmed.best.status', stored: 'underway', replayed: 'completed' },
          { subject: other, field: 'snapshots[8].eventCount', stored: 7, replayed: 8 },
        ]),
      );
      expect(r.body.differences.every((d: { subject: string }) => d.subject === subject || d.subject === other)).toBe(true);

      const failed = await newsledger('verify').then(
        () => undefined,
        (e: { code: number; stdout: string }) => e,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stdout).toContain(`${subject}  row.status  stored "cancelled"  replayed "completed"`);
      expect(failed?.stdout).toContain(`${subject}  summary.confirmed.best.status  stored "underway"  replayed "completed"`);

      const rebuilt = await newsledger('rebuild', '--json');
      const report = JSON.parse(rebuilt.stdout);
      expect(report.differences).toMatchObject({ views: 1, events: 0, links: 0 });
      expect(report.differences.samples).toEqual(expect.arrayContaining([{ subject, field: 'row.status', stored: 'cancelled', replayed: 'completed' }]));
      const ok = await newsledger('verify');
      expect(ok.stdout).toMatch(/^ok: /m);
    });
  });
});
