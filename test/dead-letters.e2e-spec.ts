import { INestApplication } from '@nestjs/common';
import { createKafka } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, freshId, ownStack, startApi, testConfig } from '@newsledger/testing';
import { Producer } from 'kafkajs';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

// Its own topics: the dead-letter topic holds only the letters of this file, so pages are exact.
const { schema, topics } = ownStack('deadletters');
// No ingest API runs here: a resubmitted copy has nowhere to go (port 9 is discard, closed here).
process.env.NEWSLEDGER_INGEST_URL = 'http://127.0.0.1:9';

type Api = { app: INestApplication; url: string };

const cli = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');

/** Runs the compiled CLI with this file's topics (from process.env), output piped. */
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: process.env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('dead letters: GET /v1/admin/dead-letters and newsledger_projector_dead_letters_total (real Kafka and PostgreSQL)', () => {
  let query: Api;
  let projector: Api;
  let producer: Producer;
  let auditKey: string;
  let readKey: string;
  let metricsKey: string;
  const subject = `exchange/${freshId('dlq')}`;
  const valid = {
    specversion: '1.0', id: freshId('dlq-ok'), type: 'exchange.underway', subject, source: 'newsroom/dlq-desk',
    datacontenttype: 'application/json', data: { source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data: {} },
  };
  const big = `{"not": "a CloudEvent", "padding": "${'x'.repeat(600)}"}`;

  beforeAll(async () => {
    [query, projector] = await Promise.all([startApi(QueryApiModule), startApi(ProjectorModule)]);
    const admin = client(query.url);
    auditKey = (await admin('POST', '/v1/admin/keys', { name: freshId('auditor'), scopes: ['audit'] })).body.key;
    readKey = (await admin('POST', '/v1/admin/keys', { name: freshId('reader'), scopes: ['read'] })).body.key;
    metricsKey = (await admin('POST', '/v1/admin/keys', { name: freshId('prometheus'), scopes: ['metrics'] })).body.key;
    producer = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'dead-letters-e2e' }).producer();
    await producer.connect();
  });
  afterAll(async () => {
    await Promise.all([query?.app.close(), projector?.app.close(), producer?.disconnect()]);
    const db = await openDataSource(testConfig.database.url, 1, 'public');
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.destroy();
  });

  it('lists refused messages newest first with reason, original position, first bytes and arrival, a page at a time', async () => {
    const audit = client(query.url, auditKey);
    const sent = new Date(Date.now() - 1000).toISOString();
    const [notJson] = await producer.send({ topic: topics.events, messages: [{ key: subject, value: 'this is not JSON' }] });
    const [misplaced] = await producer.send({ topic: topics.events, messages: [{ key: 'not-the-subject', value: JSON.stringify(valid) }] });
    const [large] = await producer.send({ topic: topics.events, messages: [{ key: subject, value: big }] });

    const first = await eventually('three dead letters', async () => {
      const r = await audit('GET', '/v1/admin/dead-letters?limit=2');
      return r.status === 200 && r.body.total === 3 ? r : undefined;
    });
    expect(first.headers.get('x-request-id')).toEqual(expect.any(String));
    expect(first.body.letters.map((l: { position: string }) => l.position)).toEqual(['2', '1']);
    expect(first.body.nextCursor).toBe('1');
    const older = await audit('GET', `/v1/admin/dead-letters?limit=2&cursor=${first.body.nextCursor}`);
    expect(older.status).toBe(200);
    expect([older.body.letters.map((l: { position: string }) => l.position), older.body.nextCursor, older.body.total]).toEqual([['0'], null, 3]);

    // The projector takes partitions in its own order: find each letter by what was sent.
    const letters = [...first.body.letters, ...older.body.letters] as { reason: string; key: string; arrivedAt: string }[];
    const byReason = (pattern: RegExp) => letters.find((l) => pattern.test(l.reason));
    expect(byReason(/^not a valid newsledger CloudEvent$/)).toEqual({
      position: expect.stringMatching(/^[012]$/),
      arrivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      reason: 'not a valid newsledger CloudEvent',
      originalPosition: `${topics.events}/${large.partition}/${large.baseOffset}`,
      key: subject,
      issues: expect.any(Array),
      preview: big.slice(0, 200),
      bytes: Buffer.byteLength(big),
      previewTruncated: true,
    });
    expect(byReason(/^wrong_partition: /)).toMatchObject({
      originalPosition: `${topics.events}/${misplaced.partition}/${misplaced.baseOffset}`,
      key: 'not-the-subject',
      preview: JSON.stringify(valid).slice(0, 200),
    });
    expect(byReason(/^not JSON: /)).toMatchObject({
      preview: 'this is not JSON', bytes: 16, previewTruncated: false, originalPosition: `${topics.events}/${notJson.partition}/${notJson.baseOffset}`,
    });
    for (const l of letters) expect(l.arrivedAt >= sent).toBe(true);
  });

  it('lists them from the CLI too, as text and as the API answers', async () => {
    const text = await run(['dead-letters', '--limit', '2']);
    expect([text.code, text.stderr]).toEqual([0, '']);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(`3 dead letters on ${topics.dlq}, newest first`);
    expect(lines[1]).toMatch(/^POSITION {2}ARRIVED {19}ORIGINAL +REASON$/);
    expect(lines[2]).toMatch(new RegExp(`^2 {9}\\d{4}-\\d\\d-\\d\\dT\\S+ {2}${topics.events.replace(/\./g, '\\.')}/\\d+/\\d+ +\\S`));
    expect(text.stdout).toContain(`${big.slice(0, 200)}…  (${Buffer.byteLength(big)} bytes)`);
    expect(text.stdout).toContain('older: newsledger dead-letters --before 1');
    const json = await run(['dead-letters', '--before', '1', '--json']);
    expect(JSON.parse(json.stdout)).toEqual((await client(query.url, auditKey)('GET', '/v1/admin/dead-letters?cursor=1')).body);
    const bad = await run(['dead-letters', '--limit', '0']);
    expect([bad.code, bad.stdout]).toEqual([2, '']);
  });

  it('counts dead letters by the code of their reason on the projector', async () => {
    const scrape = async () => (await client(projector.url, metricsKey)('GET', '/metrics')).body as string;
    const text = await eventually('dead letters counted', async () => {
      const t = await scrape();
      return t.includes('newsledger_projector_dead_letters_total{reason="invalid"} 2') ? t : undefined;
    });
    expect(text).toContain('newsledger_projector_dead_letters_total{reason="wrong_partition"} 1');
  });

  it('refuses bad paging with 400 invalid_query naming the parameter, and keys without the audit scope', async () => {
    const audit = client(query.url, auditKey);
    for (const [q, path] of [['limit=0', 'limit'], ['limit=501', 'limit'], ['cursor=abc', 'cursor'], ['staus=x', 'staus']] as const) {
      const r = await audit('GET', `/v1/admin/dead-letters?${q}`);
      expect([r.status, r.body.error, r.body.details?.[0]?.path]).toEqual([400, 'invalid_query', path]);
    }
    expect((await client(query.url, readKey)('GET', '/v1/admin/dead-letters')).status).toBe(403);
  });

  it('resubmits a corrected copy only for a key that may ingest, and says so when the ingest API does not answer', async () => {
    const report = { type: 'exchange.underway', subject, source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data: {} };
    const read = await client(query.url, readKey)('POST', '/v1/admin/dead-letters/resubmit', report);
    expect([read.status, read.body.error]).toEqual([403, 'forbidden']);
    const ingestKey = (await client(query.url)('POST', '/v1/admin/keys', { name: freshId('desk'), scopes: ['ingest'] })).body.key;
    const down = await client(query.url, ingestKey)('POST', '/v1/admin/dead-letters/resubmit', report);
    expect([down.status, down.body.error]).toEqual([502, 'ingest_unavailable']);
    expect(down.body.message).toMatch(/^the ingest API at http:\/\/127\.0\.0\.1:9 did not answer .*set NEWSLEDGER_INGEST_URL/);
  });

  it('is in the OpenAPI document with its scope and page schema', async () => {
    const doc = (await client(query.url, null)('GET', '/docs-json')).body;
    const op = doc.paths['/v1/admin/dead-letters'].get;
    expect(op.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit']);
    expect(op.responses['200'].content['application/json'].schema.$ref).toMatch(/DeadLettersPage$/);
    expect(JSON.stringify(op)).toMatch(/audit/);
  });
});
