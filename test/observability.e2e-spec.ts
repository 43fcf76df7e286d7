import { INestApplication } from '@nestjs/common';
import { client, eventually, freshId, startApi, testConfig } from '@newsledger/testing';
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

describe('observability: request ids, request log lines and HTTP metrics (real Kafka and PostgreSQL)', () => {
  let ingest: Api;
  let query: Api;
  let projector: Api;
  let metricsKey: string;
  let deskKey: string;
  const deskName = freshId('kyiv-desk');
  const records: Record<string, unknown>[] = [];
  const rawLines: string[] = [];
  let restore: () => void;

  beforeAll(async () => {
    // The apps write their JSON records to stdout: read them there, as a log shipper would.
    const write = process.stdout.write.bind(process.stdout);
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      for (const line of String(chunk).split('\n')) {
        if (line.startsWith('{')) {
          try {
            records.push(JSON.parse(line) as Record<string, unknown>);
            rawLines.push(line);
            continue;
          } catch {
            // not a record: pass it on
          }
        }
      }
      return String(chunk).startsWith('{"level"') ? true : write(chunk, ...(rest as [BufferEncoding]));
    });
    restore = () => spy.mockRestore();
    process.env.LOG_FORMAT = 'json';
    process.env.LOG_LEVEL = 'info';
    query = await startApi(QueryApiModule);
    // The ingest API at debug: its request lines carry the headers, never the key.
    process.env.LOG_LEVEL = 'debug';
    ingest = await startApi(IngestApiModule);
    process.env.LOG_LEVEL = 'warn';
    projector = await startApi(ProjectorModule);
    const admin = client(query.url);
    metricsKey = (await admin('POST', '/v1/admin/keys', { name: freshId('prometheus'), scopes: ['metrics'] })).body.key;
    deskKey = (await admin('POST', '/v1/admin/keys', { name: deskName, scopes: ['ingest', 'read'] })).body.key;
  });
  afterAll(async () => {
    restore?.();
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.app.close()]);
  });

  it('gives every response an x-request-id, the one the client sent when it sent one', async () => {
    const read = client(query.url, deskKey);
    const answers = [
      await read('GET', '/v1/exchanges'),
      await read('GET', `/v1/exchanges/${freshId('none')}`),
      await client(query.url, 'wrong')('GET', '/v1/exchanges'),
      await read('GET', '/v1/nowhere'),
      await client(ingest.url, deskKey)('POST', '/v1/reports', {}),
      await client(query.url, null)('GET', '/health'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 401, 404, 400, 200]);
    for (const a of answers) expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const mine = await read('GET', '/v1/exchanges', undefined, { 'x-request-id': 'trace-me-42' });
    expect(mine.headers.get('x-request-id')).toBe('trace-me-42');
  });

  it('logs one record per request with method, path, status, ms, key name, error code and request id, never the key', async () => {
    const id = freshId('none');
    const r = await client(query.url, deskKey)('GET', `/v1/exchanges/${id}?asOf=2025-05-23T10:00:00Z`);
    const reqId = r.headers.get('x-request-id');
    const line = await eventually('the request line', async () => records.find((x) => x.reqId === reqId));
    expect(line).toEqual(expect.objectContaining({
      level: 30, msg: 'request', method: 'GET', path: `/v1/exchanges/${id}?asOf=2025-05-23T10:00:00Z`, status: 404, ms: expect.any(Number), key: deskName, error: 'not_found',
    }));
    expect(line.headers).toBeUndefined();
    // Each field once: a repeated key is invalid for many JSON readers.
    const raw = rawLines.find((l) => l.includes(`"${String(reqId)}"`)) ?? '';
    expect(raw.match(/"reqId":/g)).toHaveLength(1);
    expect(line.req).toBeUndefined();

    const posted = await client(ingest.url, deskKey)('POST', '/v1/reports', { type: 'exchange.teleported' });
    const debugLine = await eventually('the debug request line', async () => records.find((x) => x.reqId === posted.headers.get('x-request-id')));
    expect(debugLine).toEqual(expect.objectContaining({ status: 400, error: 'invalid_report', key: deskName, headers: expect.objectContaining({ 'content-type': 'application/json' }) }));
    expect(JSON.stringify(records)).not.toContain(deskKey);
    expect((debugLine.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it('measures request durations by route pattern and status on both APIs', async () => {
    const scrape = async (api: Api) => (await client(api.url, metricsKey)('GET', '/metrics')).body as string;
    await client(query.url, deskKey)('GET', `/v1/exchanges/${freshId('none')}`);
    await client(ingest.url, deskKey)('POST', '/v1/reports', {});
    const q = await scrape(query);
    const count = (text: string, labels: Record<string, string>) => sample(text, 'newsledger_http_request_duration_seconds_count', labels);
    expect(count(q, { method: 'GET', route: '/v1/exchanges/:id', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(count(q, { method: 'GET', route: '/v1/exchanges', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(count(q, { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(q).not.toMatch(/route="\/v1\/exchanges\/none-/);
    expect(sample(q, 'newsledger_http_request_duration_seconds_bucket', { route: '/v1/exchanges/:id', status: '404', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    const i = await scrape(ingest);
    expect(count(i, { method: 'POST', route: '/v1/reports', status: '400' })).toBeGreaterThanOrEqual(1);
  });

  it("shows the outbox relay's lag on the projector", async () => {
    const text = await (async () => (await client(projector.url, metricsKey)('GET', '/metrics')).body as string)();
    const topic = testConfig.kafka.topics.statusChanges;
    expect(sample(text, 'newsledger_relay_lag', { topic })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'newsledger_relay_lag_seconds', { topic })).toBeGreaterThanOrEqual(0);
  });
});
