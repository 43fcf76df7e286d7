import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { createKafka, decodeStatusChange } from '@newsledger/event-log';
import { client, eventually, FeedEvent, freshId, openFeed, startApi, startContext, testConfig } from '@newsledger/testing';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

const reuters = { name: 'Reuters', kind: 'agency' };
const trump = { name: 'Truth Social', kind: 'social', speaker: 'Donald Trump' };
const military = { name: 'Ukrainian military sources', kind: 'military' };
const ruMod = { name: 'Russian Ministry of Defence', kind: 'official', party: 'RU' };
const uaHq = { name: 'Coordination Headquarters for the Treatment of POWs', kind: 'government', party: 'UA' };

type Change = FeedEvent['change'];

describe('explained changes on the SSE feed and webhooks, agreeing with as-of, the view and verify (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let hooks: Server | undefined;
  const key = testConfig.adminKey;

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
  });
  afterAll(async () => {
    hooks?.closeAllConnections();
    hooks?.close();
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  it('every change carries cause, level and reason; field=status sees only what it saw before; the levels are the views\'', async () => {
    const run = freshId('explained');
    const id = run;
    const subject = `exchange/${id}`;
    const received: Change[] = [];
    hooks = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
        received.push(JSON.parse(body) as Change);
        res.writeHead(204).end();
      });
    });
    hooks.listen(0, '127.0.0.1');
    await once(hooks, 'listening');
    const url = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks`;
    const sub = await client(query.url)('POST', '/v1/subscriptions', { url, secret: `secret-${run}-0123456789`, filter: { subject } });
    expect(sub.status).toBe(201);

    const all = await openFeed(query.url, key, `subject=${subject}`);
    const statusOnly = await openFeed(query.url, key, `subject=${subject}&field=status`);
    await Promise.all([all.opened, statusOnly.opened]);

    const reports = [
      { id: `${run}-agreed`, type: 'exchange.agreed', source: reuters, confirmation: 'confirmed', data: { parties: ['UA', 'RU'] } },
      { id: `${run}-trump`, type: 'exchange.completed', source: trump, confirmation: 'claimed', data: {} },
      { id: `${run}-military`, type: 'exchange.underway', source: military, confirmation: 'confirmed', data: {} },
      { id: `${run}-ru`, type: 'exchange.phase.completed', source: ruMod, confirmation: 'confirmed', data: { phase: 1, releasedBy: { UA: 390, RU: 390 } } },
      { id: `${run}-ua`, type: 'exchange.phase.completed', source: uaHq, confirmation: 'confirmed', data: { phase: 1, releasedBy: { UA: 380, RU: 390 } } },
      { id: `${run}-undo`, type: 'report.retracted', source: reuters, confirmation: 'confirmed', data: { eventId: `${run}-trump`, reason: 'premature' } },
      { id: `${run}-ua-again`, type: 'exchange.phase.completed', source: uaHq, confirmation: 'confirmed', data: { phase: 1, releasedBy: { UA: 390, RU: 390 } } },
    ];
    // One at a time, over a second apart, so each report's view can be asked for as of a second.
    for (const r of reports) {
      const res = await client(ingest.url)('POST', '/v1/reports', { ...r, subject });
      expect(res.status).toBe(202);
      await sleep(1100);
    }

    const expectedIds = [
      `${run}-agreed:status`, `${run}-agreed:reportedStatus`, `${run}-trump:reportedStatus`, `${run}-military:status`,
      `${run}-ua:dispute:phase.1.UA`, `${run}-undo:reportedStatus`, `${run}-ua-again:dispute:phase.1.UA`,
    ];
    await eventually('every change on the feed', async () => (all.events.length >= expectedIds.length ? true : undefined), 60_000);
    const changes = all.events.map((e) => e.change);
    expect(changes.map((c) => c.id)).toEqual(expectedIds);
    for (const c of changes) {
      expect(c.cause).toEqual(expect.objectContaining({ eventId: c.causedBy, source: reports.find((r) => r.id === c.causedBy)!.source }));
      expect(c.reason).toEqual(expect.any(String));
      expect(c).toHaveProperty('level');
    }
    const undone = changes.find((c) => c.causedBy === `${run}-undo`)!;
    expect(undone).toMatchObject({
      field: 'reportedStatus', from: 'completed', to: 'underway', retractionOf: `${run}-trump`, level: 'all-parties',
      reason: 'Reported status moved from completed to underway: the report by Truth Social that the exchange was completed (claimed) was retracted by Reuters: premature.',
    });
    expect(changes.filter((c) => c.field === 'dispute')).toEqual([
      expect.objectContaining({ fact: 'phase.1.UA', from: null, to: [380, 390], level: null, reason: expect.stringContaining('Coordination Headquarters for the Treatment of POWs (UA) reported that phase 1 was completed') }),
      expect.objectContaining({ fact: 'phase.1.UA', from: [380, 390], to: null, reason: expect.stringMatching(/^The dispute over phase\.1\.UA \(380 vs 390\) ended: /) }),
    ]);

    // A follower of field=status gets the status changes as they were, and nothing of the new kinds.
    await eventually('the status changes on the filtered feed', async () => (statusOnly.events.length >= 2 ? true : undefined));
    await sleep(500);
    expect(statusOnly.events.map((e) => e.change)).toEqual(changes.filter((c) => c.field === 'status'));
    expect(statusOnly.events.map((e) => [e.change.causedBy, e.change.from, e.change.to])).toEqual([[`${run}-agreed`, null, 'agreed'], [`${run}-military`, 'agreed', 'underway']]);

    // The webhook carries the same messages, reason included.
    await eventually('every change delivered to the webhook', async () => (new Set(received.map((c) => c.id)).size >= expectedIds.length ? true : undefined), 60_000);
    const delivered = new Map(received.map((c) => [c.id, c]));
    for (const c of changes) expect(delivered.get(c.id)).toEqual(c);

    // The topic carries the same messages.
    const consumer = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: `${run}-reader` }).consumer({ groupId: `${run}-reader`, maxWaitTimeInMs: 500 });
    const onTopic = new Map<string, unknown>();
    await consumer.connect();
    await consumer.subscribe({ topic: testConfig.kafka.topics.statusChanges, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (String(message.key) !== subject) return;
        const d = decodeStatusChange(message.value, Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
        if (d.ok) onTopic.set(d.change.id, d.change);
      },
    });
    await eventually('every change on the topic', async () => (onTopic.size >= expectedIds.length ? true : undefined), 60_000);
    await consumer.disconnect();
    for (const c of changes) expect(onTopic.get(c.id)).toEqual(c);

    // Each status change's level is the level the view gave its stage as of that report.
    for (const c of changes.filter((x) => (x.field === 'status' || x.field === 'reportedStatus') && x.to !== null)) {
      const asOf = new Date(Math.floor(Date.parse(c.recordedAt) / 1000) * 1000 + 1000).toISOString().replace('.000Z', 'Z');
      const then = await client(query.url)('GET', `/v1/exchanges/${id}?asOf=${asOf}`);
      expect([c.id, then.body[c.field], then.body.corroboration[c.to!]?.level]).toEqual([c.id, c.to, c.level]);
    }
    const now = await client(query.url)('GET', `/v1/exchanges/${id}`);
    expect(now.body.corroboration[now.body.reportedStatus].level).toBe(undone.level);
    const explained = await client(query.url)('GET', `/v1/exchanges/${id}/explain`);
    expect(explained.body.facts.find((f: { field: string }) => f.field === 'reportedStatus')).toMatchObject({ value: 'underway', level: undone.level });
    const verified = await client(query.url)('POST', '/v1/admin/verify');
    expect(verified.status).toBe(200);
    expect(verified.body.differences.filter((d: { subject: string }) => d.subject === subject)).toEqual([]);
    all.close();
    statusOnly.close();
  }, 120_000);
});
