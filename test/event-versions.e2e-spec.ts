import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { replayLog, verifyViews } from '@newsledger/audit';
import { toView } from '@newsledger/domain';
import { createKafka, ensureTopics, fetchEndOffsets } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, freshId, ownStack, startApi, startContext, testConfig } from '@newsledger/testing';
import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { previousReleaseToCloudEvent, PreviousReleaseReport } from './support/previous-release.encoder';

// A stack of its own: the rebuild swaps every view table of its schema.
const { schema, topics, run } = ownStack('versions', { SNAPSHOT_EVERY: '3' });

const V1 = 'urn:newsledger:schema:negotiation.round.announced:v1';
const V2 = 'urn:newsledger:schema:negotiation.round.announced:v2';

/**
 * A log that holds `negotiation.round.announced` in version 1 (the agenda one string), written by the
 * previous release's encoder, beside version 2 and version 1 sent over HTTP now: the projector,
 * as-of, explain, verify, rebuild and an in-memory replay all read it upcast (the agenda a list), and
 * export and history show it as recorded. (previous-release-upgrade.e2e-spec.ts upgrades the
 * database and log a previous release's own apps wrote.)
 */
describe('event versions: a log written by the previous release, read by this one (real Kafka and PostgreSQL)', () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'versions-spec' });
  const id = freshId('talks');
  const subject = `negotiation/${id}`;
  const source = { name: 'TASS', kind: 'agency' };
  let producer: Producer;
  let db: DataSource;
  let projector: INestApplicationContext;
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let post: ReturnType<typeof client>;
  let read: ReturnType<typeof client>;

  const previousRelease = (report: Omit<PreviousReleaseReport, 'subject' | 'source' | 'confirmation'> & { confirmation?: string }, recordedAt: string) => ({
    key: subject,
    value: JSON.stringify(previousReleaseToCloudEvent({ subject, source, confirmation: 'reported', ...report }, { ingestor: 'tass-desk', recordedAt })),
  });
  const viewAt = (eventCount: number) =>
    eventually(`${subject} at ${eventCount} events`, async () => {
      const r = await read('GET', `/v1/negotiations/${id}`);
      return r.status === 200 && r.body.eventCount === eventCount ? (r.body as Record<string, unknown>) : undefined;
    }, 60_000);
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
    db = await openDataSource(testConfig.database.url, 2, schema);
    await ensureTopics(kafka, { ...topics, eventsPartitions: 3 });
    producer = kafka.producer();
    await producer.connect();
    // What the previous release left on the log: version 1 announcements, one of them re-sent.
    await producer.send({
      topic: topics.events,
      messages: [
        previousRelease({ id: `${id}-r1`, type: 'negotiation.round.announced', data: { round: 1, venue: 'Istanbul', agenda: 'Prisoner exchange; ceasefire terms' } }, '2025-05-14T09:00:00.000Z'),
        previousRelease({ id: `${id}-r1-held`, type: 'negotiation.round.held', data: { round: 1, venue: 'Istanbul', date: '2025-05-16' }, confirmation: 'confirmed' }, '2025-05-16T18:00:00.000Z'),
        previousRelease({ id: `${id}-r2`, type: 'negotiation.round.announced', data: { round: 2, agenda: 'Moscow to present a memorandum' } }, '2025-05-28T09:00:00.000Z'),
        previousRelease({ id: `${id}-r3`, type: 'negotiation.round.announced', data: { round: 3, agenda: 'Second memorandum' } }, '2025-05-29T09:00:00.000Z'),
        previousRelease({ id: `${id}-r2`, type: 'negotiation.round.announced', data: { round: 2, agenda: 'Moscow to present a memorandum' } }, '2025-05-28T09:00:00.000Z'),
      ],
    });
    [projector, ingest] = await Promise.all([startContext(ProjectorModule), startApi(IngestApiModule)]);
    // The query API forwards resubmitted dead letters to this ingest API.
    process.env.NEWSLEDGER_INGEST_URL = ingest.url;
    query = await startApi(QueryApiModule);
    post = client(ingest.url);
    read = client(query.url);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([projector?.close(), ingest?.app.close(), query?.app.close(), producer?.disconnect()]);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('projects version 1 events upcast: every agenda is a list; the re-sent one is a duplicate, not a conflict', async () => {
    const view = await viewAt(4);
    expect(view.rounds).toEqual([
      expect.objectContaining({ round: 1, state: 'held', agenda: ['Prisoner exchange; ceasefire terms'] }),
      expect.objectContaining({ round: 2, state: 'announced', agenda: ['Moscow to present a memorandum'] }),
      expect.objectContaining({ round: 3, state: 'announced', agenda: ['Second memorandum'] }),
    ]);
    const indexed: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM events WHERE subject = $1`, [subject]);
    expect(indexed[0].n).toBe(4);
  });

  it('passes the deprecation of a version 1 report on when it is resubmitted through the query API', async () => {
    const report = { id: `${id}-resubmitted`, type: 'negotiation.round.announced', subject: `negotiation/${id}-resubmitted`, source, confirmation: 'reported', data: { round: 1, agenda: 'Humanitarian corridors' } };
    const r = await read('POST', '/v1/admin/dead-letters/resubmit', report);
    expect(r.status).toBe(202);
    expect(['deprecation', 'sunset', 'link'].map((h) => r.headers.get(h))).toEqual([
      `@${Date.parse('2026-12-05T00:00:00Z') / 1000}`,
      'Wed, 30 Jun 2027 23:59:59 GMT',
      '</v1/schemas/negotiation.round.announced/versions/2>; rel="successor-version"',
    ]);
  });

  it('takes version 2 over HTTP, and version 1 (deprecated) recorded as sent; a resend of either is a duplicate', async () => {
    const report = (reportId: string, data: unknown) => ({ id: reportId, type: 'negotiation.round.announced', subject, source, confirmation: 'reported', data });
    const v2 = report(`${id}-r4`, { round: 4, agenda: ['Ceasefire', 'Exchange of the wounded'] });
    const v1 = report(`${id}-r5`, { round: 5, agenda: 'Humanitarian corridors' });
    const sent = [await post('POST', '/v1/reports', v2), await post('POST', '/v1/reports', v1)];
    expect(sent.map((r) => r.status)).toEqual([202, 202]);
    // Version 1 is answered with when it stops being accepted, and what to send instead.
    expect(['deprecation', 'sunset', 'link'].map((h) => sent[0].headers.get(h))).toEqual([null, null, null]);
    expect(['deprecation', 'sunset', 'link'].map((h) => sent[1].headers.get(h))).toEqual([
      `@${Date.parse('2026-12-05T00:00:00Z') / 1000}`,
      'Wed, 30 Jun 2027 23:59:59 GMT',
      '</v1/schemas/negotiation.round.announced/versions/2>; rel="successor-version"',
    ]);
    for (const body of [v2, v1]) expect(await post('POST', '/v1/reports', body)).toMatchObject({ status: 200, body: { duplicate: true } });
    // The same words in the other version are another report.
    expect(await post('POST', '/v1/reports', { ...v1, data: { round: 5, agenda: ['Humanitarian corridors'] } })).toMatchObject({ status: 409, body: { error: 'id_conflict' } });
    const bad = await post('POST', '/v1/reports', report(`${id}-bad`, { round: 6, agenda: 7 }));
    expect(bad).toMatchObject({
      status: 400,
      body: { error: 'invalid_report', details: [{ path: 'data.agenda', message: 'must be a list of agenda items, such as ["prisoner exchange","ceasefire"]' }] },
    });
    const view = await viewAt(6);
    expect((view.rounds as { round: number; agenda?: string[] }[]).slice(3).map((r) => [r.round, r.agenda])).toEqual([
      [4, ['Ceasefire', 'Exchange of the wounded']],
      [5, ['Humanitarian corridors']],
    ]);
  });

  it('reads the index upcast too: a retraction of a version 1 event, as-of and explain', async () => {
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const retraction = { id: `${id}-x`, type: 'report.retracted', subject, source, confirmation: 'confirmed', data: { eventId: `${id}-r3`, reason: 'round 3 was never called' } };
    expect((await post('POST', '/v1/reports', retraction)).status).toBe(202);
    const live = await viewAt(7);
    expect((live.rounds as { round: number }[]).map((r) => r.round)).toEqual([1, 2, 4, 5]);
    const asOf = await read('GET', `/v1/negotiations/${id}?asOf=${before}`);
    expect(asOf.status).toBe(200);
    expect(asOf.body.rounds).toEqual(expect.arrayContaining([expect.objectContaining({ round: 3, agenda: ['Second memorandum'] })]));
    const { asOf: _asOf, ...now } = (await read('GET', `/v1/negotiations/${id}?asOf=${new Date().toISOString()}`)).body;
    expect(now).toEqual(live);
    expect((await read('GET', `/v1/negotiations/${id}/explain`)).status).toBe(200);
  });

  it('has views equal to a fresh replay of the log, and verify finds no difference', async () => {
    await caughtUp();
    const live = (await read('GET', `/v1/negotiations/${id}`)).body;
    const log = await replayLog(kafka, topics.events, { groupPrefix: `${run}.replay` });
    const replayed = toView(log.states.get(subject)!);
    // The API adds the exchanges agreed in the talks (none here), from the links it stores.
    expect({ ...replayed, exchanges: [], evidence: { ...replayed.evidence, exchanges: {} } }).toEqual(live);
    expect(log.counts).toMatchObject({ rejected: 0, duplicates: 1 });
    const report = await verifyViews(db, kafka, { group: process.env.PROJECTOR_GROUP_ID!, topic: topics.events, groupPrefix: `${run}.verify` });
    expect(report).toMatchObject({ ok: true, differenceCount: 0 });
  }, 120_000);

  it('rebuilds from the log into the same views', async () => {
    const before = (await read('GET', `/v1/negotiations/${id}`)).body;
    const start = await read('POST', '/v1/admin/rebuild');
    expect(start.status).toBe(202);
    const done = await eventually('the rebuild to finish', async () => {
      const r = await read('GET', `/v1/admin/rebuild/${start.body.id}`);
      if (r.body.status === 'failed') throw new Error(r.body.error);
      return r.body.status === 'done' ? r.body : undefined;
    }, 120_000);
    expect(done).toMatchObject({ report: { differences: { views: 0, events: 0, links: 0 } } });
    expect((await read('GET', `/v1/negotiations/${id}`)).body).toEqual(before);
  }, 150_000);

  it('exports and shows in history each event as it was recorded: version 1 stays version 1', async () => {
    const r = await read('GET', `/v1/export?subject=${subject}`);
    expect(r.status).toBe(200);
    const lines = String(r.body).trim().split('\n').map((l) => JSON.parse(l) as { eventId: string; data: { agenda?: unknown }; dataschema: string });
    const byId = new Map(lines.map((l) => [l.eventId, l]));
    expect(byId.get(`${id}-r1`)).toMatchObject({ dataschema: V1, data: { round: 1, venue: 'Istanbul', agenda: 'Prisoner exchange; ceasefire terms' } });
    expect(byId.get(`${id}-r3`)).toMatchObject({ dataschema: V1, data: { agenda: 'Second memorandum' }, retracted: true });
    expect(byId.get(`${id}-r4`)).toMatchObject({ dataschema: V2, data: { agenda: ['Ceasefire', 'Exchange of the wounded'] } });
    expect(byId.get(`${id}-r5`)).toMatchObject({ dataschema: V1, data: { agenda: 'Humanitarian corridors' } });
    expect(byId.get(`${id}-r1-held`)).toMatchObject({ dataschema: 'urn:newsledger:schema:negotiation.round.held:v1' });
    // The history is the export, each withdrawn event also naming its retraction.
    const history = (await read('GET', `/v1/negotiations/${id}/history`)).body.events as Record<string, unknown>[];
    expect(history.map(({ retraction: _retraction, ...e }) => e)).toEqual(lines);
  });
});
