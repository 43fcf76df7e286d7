import { INestApplication } from '@nestjs/common';
import { client, eventually, freshId, openFeed, startApi } from '@newsledger/testing';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

type Api = { app: INestApplication; url: string };

/** The value of one sample of a Prometheus text exposition, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

function report(subject: string, type: string, data: unknown, extra: Record<string, unknown> = {}) {
  return { type, subject, source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data, ...extra };
}

describe('metrics: /metrics of every process (real Kafka and PostgreSQL)', () => {
  let ingest: Api;
  let query: Api;
  let projector: Api;
  let metricsKey: string;
  let readKey: string;
  let receiver: Server;

  beforeAll(async () => {
    // The projector as it runs on its own: an HTTP app on METRICS_PORT serving /metrics and /health.
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startApi(ProjectorModule)]);
    const admin = client(query.url);
    metricsKey = (await admin('POST', '/v1/admin/keys', { name: freshId('prometheus'), scopes: ['metrics'] })).body.key;
    readKey = (await admin('POST', '/v1/admin/keys', { name: freshId('reader'), scopes: ['read'] })).body.key;
    receiver = createServer((_req, res) => res.writeHead(500).end('down for maintenance'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.app.close(), new Promise((resolve) => receiver?.close(resolve))]);
  });

  const scrape = async (api: Api): Promise<string> => {
    const r = await client(api.url, metricsKey)('GET', '/metrics');
    expect(r.status).toBe(200);
    return r.body as string;
  };

  it('serves /metrics on each process to a metrics key only', async () => {
    for (const api of [ingest, query, projector]) {
      expect((await client(api.url, null)('GET', '/metrics')).status).toBe(401);
      expect((await client(api.url, readKey)('GET', '/metrics')).status).toBe(403);
      const r = await client(api.url, metricsKey)('GET', '/metrics');
      expect([r.status, r.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/plain; version=0\.0\.4/)]);
      expect(sample(r.body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    }
    expect((await client(projector.url, null)('GET', '/health')).status).toBe(200);
  });

  it('counts reports by type and result on the ingest API', async () => {
    const post = client(ingest.url);
    const subject = `exchange/${freshId('metrics')}`;
    const before = await scrape(ingest);
    const count = (text: string, type: string, result: string) => sample(text, 'newsledger_reports_total', { type, result }) ?? 0;

    const agreed = report(subject, 'exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 5, RU: 5 } }, { id: freshId('agreed') });
    expect((await post('POST', '/v1/reports', agreed)).status).toBe(202);
    expect((await post('POST', '/v1/reports', agreed)).status).toBe(200);
    expect((await post('POST', '/v1/reports', { ...agreed, note: 'changed' })).status).toBe(409);
    expect((await post('POST', '/v1/reports', report(subject, 'exchange.agreed', { parties: 'UA' }))).status).toBe(400);
    expect((await post('POST', '/v1/reports', report(subject, 'exchange.teleported', {}))).status).toBe(400);
    const ndjson = `${JSON.stringify(report(subject, 'exchange.underway', { location: 'border' }))}\n{not json\n`;
    expect((await post('POST', '/v1/reports/batch', ndjson, { 'content-type': 'application/x-ndjson' })).status).toBe(200);

    const after = await scrape(ingest);
    const delta = (type: string, result: string) => count(after, type, result) - count(before, type, result);
    expect({
      accepted: delta('exchange.agreed', 'accepted'),
      duplicate: delta('exchange.agreed', 'duplicate'),
      conflict: delta('exchange.agreed', 'conflict'),
      rejected: delta('exchange.agreed', 'rejected'),
      unknownRejected: delta('unknown', 'rejected'),
      batchAccepted: delta('exchange.underway', 'accepted'),
    }).toEqual({ accepted: 1, duplicate: 1, conflict: 1, rejected: 1, unknownRejected: 2, batchAccepted: 1 });
    expect((sample(after, 'newsledger_ingest_batch_lines_count') ?? 0) - (sample(before, 'newsledger_ingest_batch_lines_count') ?? 0)).toBe(1);
    expect(sample(after, 'newsledger_ingest_batch_lines_bucket', { le: '1' })).toBeDefined();
  });

  it('reports projector batches (size and latency histograms), results and lag per partition', async () => {
    const subject = `exchange/${freshId('projected')}`;
    expect((await client(ingest.url)('POST', '/v1/reports', report(subject, 'exchange.proposed', { parties: ['UA', 'RU'] }))).status).toBe(202);
    await eventually('the view', async () => ((await client(query.url)('GET', `/v1/${subject.replace('exchange/', 'exchanges/')}`)).status === 200 ? true : undefined));
    // Every partition present, and none behind once the log is projected.
    const text = await eventually('no lag', async () => {
      const t = await scrape(projector);
      const lags = [0, 1, 2, 3, 4, 5].map((p) => sample(t, 'newsledger_projector_lag', { partition: String(p) }));
      return lags.every((l) => l === 0) ? t : undefined;
    });
    expect(sample(text, 'newsledger_projector_batch_size_count')).toBeGreaterThan(0);
    expect(sample(text, 'newsledger_projector_batch_size_sum')).toBeGreaterThanOrEqual(sample(text, 'newsledger_projector_batch_size_count')!);
    expect(sample(text, 'newsledger_projector_batch_seconds_count')).toBe(sample(text, 'newsledger_projector_batch_size_count'));
    expect(sample(text, 'newsledger_projector_batch_seconds_sum')).toBeGreaterThan(0);
    expect(sample(text, 'newsledger_projector_batch_seconds_bucket', { le: '+Inf' })).toBe(sample(text, 'newsledger_projector_batch_seconds_count'));
    expect(sample(text, 'newsledger_projector_messages_total', { result: 'projected' })).toBeGreaterThan(0);
  });

  it('gauges open feed streams (and those catching up) on the query API, and counts failed webhook deliveries on the projector that makes them', async () => {
    const subscribers = async () => sample(await scrape(query), 'newsledger_feed_subscribers');
    const catchingUp = async () => sample(await scrape(query), 'newsledger_feed_catching_up');
    const idle = await subscribers();
    expect(idle).toBeDefined();
    expect(await catchingUp()).toBe(0);
    // From the first change on: its catch-up is read, then it goes live and is counted out of it.
    const stream = await openFeed(query.url, readKey, 'field=status', '0');
    await stream.opened;
    expect(await subscribers()).toBe(idle! + 1);
    await eventually('the stream past its catch-up', async () => ((await catchingUp()) === 0 ? true : undefined));
    stream.close();
    await stream.ended;
    await eventually('the stream counted out', async () => ((await subscribers()) === idle ? true : undefined));

    const failed = async () => sample(await scrape(projector), 'newsledger_webhook_attempts_total', { outcome: 'failed' }) ?? 0;
    const before = await failed();
    const subject = `exchange/${freshId('hooked')}`;
    const sub = await client(query.url, readKey)('POST', '/v1/subscriptions', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, secret: 'a-secret-of-sixteen-chars', filter: { subject },
    });
    expect(sub.status).toBe(201);
    try {
      expect((await client(ingest.url)('POST', '/v1/reports', report(subject, 'exchange.agreed', { parties: ['UA', 'RU'] }))).status).toBe(202);
      const after = await eventually('a failed attempt counted', async () => {
        const n = await failed();
        return n > before ? n : undefined;
      });
      expect(after).toBeGreaterThan(before);
    } finally {
      await client(query.url, readKey)('DELETE', `/v1/subscriptions/${sub.body.id}`);
    }
  });
});
