import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { verifyViews } from '@newsledger/audit';
import { STATE_VERSION } from '@newsledger/domain';
import { createKafka } from '@newsledger/event-log';
import { openDataSource, staleViewsExist } from '@newsledger/persistence';
import { client, eventually, ownStack, startApi, startContext, testConfig } from '@newsledger/testing';
import { Kafka } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { UPGRADE_REQUESTER } from '../apps/projector/src/upgrade-views/views.upgrader';

/**
 * What the release before contract §7 left behind, made by that release's own compiled apps
 * (scripts/make-upgrade-fixture.js): its log, message by message, and a pg_dump of its schema
 * (views, summaries without a version, its snapshots, claims, keys, migrations table).
 */
const FIXTURE = join(__dirname, 'fixtures/upgrade/before-contract-7.1');
interface LoggedMessage { partition: number; offset: string; timestamp: string; key: string | null; value: string | null; headers: Record<string, string | null> }
const manifest: { release: string; partitions: number; placeholders: { schema: string; topicPrefix: string; group: string } } =
  JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8'));
const logged: LoggedMessage[] = readFileSync(join(FIXTURE, 'log.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));

// Its own schema and topics; snapshots as often as the previous release took them.
const { run, schema, topics } = ownStack('upgrade', { SNAPSHOT_EVERY: '3' });
const group = `${run}-projector`;

/** The dump and the log with the fixture's names replaced by this run's. */
function renamed(text: string): string {
  const { schema: oldSchema, topicPrefix, group: oldGroup } = manifest.placeholders;
  return text
    .replaceAll(`${topicPrefix}.events.dlq`, topics.dlq)
    .replaceAll(`${topicPrefix}.status-changes`, topics.statusChanges)
    .replaceAll(`${topicPrefix}.events`, topics.events)
    .replaceAll(oldGroup, group)
    .replaceAll(oldSchema, schema);
}

describe(`the database and log of release ${manifest.release.slice(0, 7)} under this release (real Kafka and PostgreSQL)`, () => {
  let kafka: Kafka;
  let db: DataSource;
  let api: { app: INestApplication; url: string } | undefined;
  let projector: INestApplicationContext | undefined;
  const may = 'exchange/ua-ru-2025-05-1000';
  const dec = 'exchange/ua-ru-2024-12-30';

  beforeAll(async () => {
    // The previous release's schema, as pg_dump wrote it, through a connection of its own (the dump resets search_path).
    const restore = new Client({ connectionString: testConfig.database.url });
    await restore.connect();
    await restore.query(renamed(readFileSync(join(FIXTURE, 'database.sql'), 'utf8')));
    await restore.end();

    // Its log, each message on the partition and at the offset it had, with its key, headers and timestamp.
    kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'upgrade-int-spec' });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topics.events, numPartitions: manifest.partitions }] });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let p = 0; p < manifest.partitions; p++) {
      const own = logged.filter((m) => m.partition === p);
      if (own.length === 0) continue;
      await producer.send({
        topic: topics.events,
        acks: -1,
        messages: own.map((m) => ({ partition: p, key: m.key, value: m.value, timestamp: m.timestamp, headers: Object.fromEntries(Object.entries(m.headers).filter(([, v]) => v !== null)) as Record<string, string> })),
      });
    }
    await producer.disconnect();
    const ends = await admin.fetchTopicOffsets(topics.events);
    await admin.disconnect();
    for (const { partition, high } of ends) expect([partition, high]).toEqual([partition, String(logged.filter((m) => m.partition === partition).length)]);

    db = await openDataSource(testConfig.database.url, 4, schema);
  });
  afterAll(async () => {
    await Promise.all([projector?.close(), api?.app.close()]);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('answers right before the projector has upgraded, refusing only list filters the old rows would answer wrongly', async () => {
    api = await startApi(QueryApiModule);
    const call = client(api.url);
    expect(await staleViewsExist(db)).toBe(true);

    // Single views replay the event index under this release's rules: the December figures are disputed, never 189 as fact.
    const december = await call('GET', `/v1/exchanges/${dec.split('/')[1]}`);
    expect(december.status).toBe(200);
    expect(december.body.released).toEqual({ RU: 150, UA: 150 });
    expect(december.body.disputes).toEqual([
      expect.objectContaining({ fact: 'released.RU', shown: 150, values: [expect.objectContaining({ value: 150 }), expect.objectContaining({ value: 189 })] }),
    ]);
    const swap = await call('GET', `/v1/exchanges/${may.split('/')[1]}`);
    expect({ status: swap.body.status, reportedStatus: swap.body.reportedStatus }).toEqual({ status: 'underway', reportedStatus: 'underway' });
    expect(swap.body.corroboration.underway.level).toBe('multi-source');

    const filtered = await call('GET', '/v1/exchanges?disputed=true');
    expect(filtered.status).toBe(503);
    expect(filtered.body.error).toBe('views_upgrading');
    expect(filtered.headers.get('retry-after')).toBe('5');
    const unfiltered = await call('GET', '/v1/exchanges');
    expect(unfiltered.status).toBe(200);
    expect(unfiltered.body.items.find((v: { subject: string }) => v.subject === dec)?.released).toEqual({ RU: 150, UA: 150 });
  });

  it('rebuilds the views from the log on start, with no manual step, and they equal a fresh replay', async () => {
    projector = await startContext(ProjectorModule);
    // A rebuild job like any other, which says who asked.
    const job = await eventually('the upgrade rebuild', async () => {
      const [j] = await db.query(`SELECT status, requested_by FROM audit_jobs WHERE kind = 'rebuild'`);
      return j && j.status !== 'running' ? j : undefined;
    }, 60_000);
    expect(job).toEqual({ status: 'done', requested_by: UPGRADE_REQUESTER });
    expect(await staleViewsExist(db)).toBe(false);
    expect(await db.query(`SELECT 1 FROM snapshots WHERE state_version <> $1`, [STATE_VERSION])).toEqual([]);

    const call = client(api!.url);
    // The query API stands by its last "still upgrading" for up to a second (RECHECK_MS), as its
    // Retry-After says: the filter answers once that has passed.
    const disputed = await eventually('the filter answered', async () => {
      const r = await call('GET', '/v1/exchanges?disputed=true');
      return r.status === 503 && r.body.error === 'views_upgrading' ? undefined : r;
    });
    expect(disputed.status).toBe(200);
    expect(disputed.body.items.map((v: { subject: string }) => v.subject)).toEqual([dec]);
    const levels = await db.query(`SELECT subject, status, reported_status, level, disputed FROM views WHERE kind = 'exchange' ORDER BY subject`);
    expect(levels).toEqual([
      { subject: dec, status: 'completed', reported_status: 'completed', level: 'multi-source', disputed: true },
      { subject: may, status: 'underway', reported_status: 'underway', level: 'multi-source', disputed: false },
    ]);

    const verified = await verifyViews(db, kafka, { topic: topics.events, group, groupPrefix: `${run}-verify` });
    expect(verified.differences).toEqual([]);
    expect(verified.ok).toBe(true);
  });

  it("reads that release's version 1 round announcement upcast, its agenda a list, and exports it as recorded", async () => {
    const call = client(api!.url);
    const talks = await call('GET', '/v1/negotiations/ua-ru-istanbul-2025');
    expect(talks.body.rounds[0]).toMatchObject({ round: 1, state: 'held', agenda: ['a ceasefire and an exchange of prisoners'] });
    const exported = String((await call('GET', '/v1/export?subject=negotiation/ua-ru-istanbul-2025')).body).trim().split('\n').map((l) => JSON.parse(l));
    expect(exported[0]).toMatchObject({
      eventId: 'talks-announced',
      dataschema: 'urn:newsledger:schema:negotiation.round.announced:v1',
      data: { round: 1, venue: 'Istanbul', agenda: 'a ceasefire and an exchange of prisoners' },
    });
    // The history is the export, each withdrawn event also naming its retraction (none here).
    const history = (await call('GET', '/v1/negotiations/ua-ru-istanbul-2025/history')).body.events as Record<string, unknown>[];
    expect(history.map(({ retraction, ...e }) => [retraction, e])).toEqual(exported.map((e) => [null, e]));
  });
});
