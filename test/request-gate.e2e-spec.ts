import { INestApplication } from '@nestjs/common';
import { client, eventually, freshId, startApi, testConfig } from '@newsledger/testing';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { AddressInfo, connect, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

const run = promisify(execFile);
const JSON_TYPE = { 'content-type': 'application/json' };

/** A report of about `bytes` bytes (its note padded), valid but for its size. */
function reportOf(bytes: number): string {
  const base = { type: 'exchange.underway', subject: `exchange/${freshId('big')}`, occurredAt: '2025-05-23', source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: {} };
  return JSON.stringify({ ...base, note: 'x'.repeat(bytes - JSON.stringify(base).length - 10) });
}

/** `[[[…]]]` of `bytes` bytes. */
const nested = (bytes: number) => '['.repeat(bytes / 2) + ']'.repeat(bytes / 2);

interface RawAnswer {
  status: number;
  head: string;
  body: string;
  /** body bytes written before the answer came */
  sent: number;
}

/**
 * Sends the head of a POST with `headers`, then its body only as `sendBody` allows (nothing, or
 * part of it), and returns the first final answer: shows the server answered without the body.
 */
function rawPost(url: string, path: string, headers: Record<string, string>, body: Buffer, sendBody: 'none' | 'half'): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(port), hostname);
    let sent = 0;
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 5 s; got ${JSON.stringify(received.slice(0, 200))}`));
    }, 5000);
    socket.on('connect', () => {
      const head = Object.entries({ host: `${hostname}:${port}`, 'content-length': String(body.length), ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      if (sendBody === 'half') {
        sent = Math.floor(body.length / 2);
        socket.write(body.subarray(0, sent));
      }
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      // 1xx answers are interim; wait for a final one with its whole body
      const final = received.replace(/^HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n/g, '');
      const end = final.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = final.slice(0, end);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      const answer = final.slice(end + 4);
      if (Buffer.byteLength(answer, 'latin1') < length) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(head.slice(9, 12)), head, body: answer, sent });
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The ingest API built by `npm test` (dist), in a process of its own as it runs in production: a
 * client's sends and the server's reads then race as they do over a network, which an app in the
 * test's own process (one event loop for both) hides.
 */
async function startIngestProcess(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const main = join(__dirname, '..', 'dist', 'apps', 'ingest-api', 'src', 'main.js');
  const child = spawn(process.execPath, [main], { env: { ...process.env, HOST: '127.0.0.1', INGEST_PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await eventually('the ingest API process to answer', async () => ((await fetch(`${url}/health`).catch(() => undefined))?.status ? true : undefined));
  return { child, url };
}

describe('the request gate: keys and limits before the body (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let desk: string;
  let reader: string;
  let dir: string;
  let ownProcess: { child: ChildProcess; url: string };

  beforeAll(async () => {
    [ingest, query, ownProcess] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startIngestProcess()]);
    const admin = client(query.url);
    desk = (await admin('POST', '/v1/admin/keys', { name: freshId('gate-desk'), scopes: ['ingest'] })).body.key;
    reader = (await admin('POST', '/v1/admin/keys', { name: freshId('gate-reader'), scopes: ['read'] })).body.key;
    dir = await mkdtemp(join(tmpdir(), 'newsledger-gate-'));
  });
  afterAll(async () => {
    ownProcess?.child.kill();
    await Promise.all([ingest?.app.close(), query?.app.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a missing, wrong or under-scoped key before the body is sent (401/403 as JSON), with or without Expect: 100-continue', async () => {
    const body = Buffer.from(nested(3_800_000));
    // a key id of its own each time: a second try with one is paused (429), as after a wrong secret
    const unknownKey = () => `Bearer nlk_${randomBytes(8).toString('hex')}_${'y'.repeat(43)}`;
    const cases: [string, () => Record<string, string>, number, string][] = [
      ['no key', () => ({}), 401, 'missing_key'],
      ['unknown key', () => ({ authorization: unknownKey() }), 401, 'invalid_key'],
      ['read key', () => ({ authorization: `Bearer ${reader}` }), 403, 'forbidden'],
    ];
    for (const [what, auth, status, error] of cases) {
      for (const expect100 of [true, false]) {
        const headers = { 'content-type': 'application/json', ...auth(), ...(expect100 ? { expect: '100-continue' } : {}) };
        const r = await rawPost(ingest.url, '/v1/reports/batch', headers, body, expect100 ? 'none' : 'half');
        expect({ what, expect100, status: r.status, body: JSON.parse(r.body) }).toEqual({ what, expect100, status, body: expect.objectContaining({ error, message: expect.any(String) }) });
        expect(r.head).not.toMatch(/^HTTP\/1\.1 100/);
      }
    }
  });

  it('answers an unknown key id as a wrong secret for a real one: in the same time, and the same way on the next try', async () => {
    const admin = client(query.url);
    const ids = await Promise.all(Array.from({ length: 5 }, async () => (await admin('POST', '/v1/admin/keys', { name: freshId('timed'), scopes: ['read'] })).body.id as string));
    const guess = (id: string) => client(query.url, `nlk_${id}_${'z'.repeat(43)}`);
    /** The answers to two tries in a row with a key id, and how long the first took. */
    const tries = async (id: string) => {
      const started = performance.now();
      const first = await guess(id)('GET', '/v1/exchanges?limit=1');
      const ms = performance.now() - started;
      const second = await guess(id)('GET', '/v1/exchanges?limit=1');
      return { ms, answers: [`${first.status} ${first.body.error}`, `${second.status} ${second.body.error}`] };
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const known = [];
    const unknown = [];
    for (const id of ids) {
      known.push(await tries(id));
      unknown.push(await tries(randomBytes(8).toString('hex')));
    }
    for (const t of [...known, ...unknown]) expect(t.answers).toEqual(['401 invalid_key', '429 rate_limited']);
    const ratio = median(unknown.map((t) => t.ms)) / median(known.map((t) => t.ms));
    expect({ ratio, inRange: ratio > 0.5 && ratio < 2 }).toEqual({ ratio, inRange: true });
  });

  it('answers a request over the rate limit with 429 before its body is sent', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { RATE_LIMIT_REQUESTS: '2', RATE_LIMIT_WINDOW_MS: '60000' });
    const limited = await startApi(IngestApiModule).finally(() => {
      process.env = saved;
    });
    try {
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${desk}`, expect: '100-continue' };
      const body = Buffer.from(reportOf(2000));
      const statuses: number[] = [];
      for (let i = 0; i < 2; i++) statuses.push((await client(limited.url, desk)('POST', '/v1/reports', body.toString(), JSON_TYPE)).status);
      const r = await rawPost(limited.url, '/v1/reports', headers, body, 'none');
      expect(statuses).toEqual([202, 202]);
      expect([r.status, JSON.parse(r.body).error]).toEqual([429, 'rate_limited']);
      expect(Number(/retry-after: (\d+)/i.exec(r.head)?.[1])).toBeGreaterThan(0);
    } finally {
      await limited.app.close();
    }
  });

  it('refuses 3.8 MiB of [[[…]]] from a valid key at once, as JSON or NDJSON, and /health stays quick', async () => {
    const post = client(ingest.url, desk);
    for (const contentType of ['application/json', 'application/x-ndjson']) {
      const health = (async () => {
        const started = performance.now();
        await client(ingest.url, null)('GET', '/health');
        return performance.now() - started;
      })();
      const started = performance.now();
      const r = await post('POST', '/v1/reports/batch', nested(3_800_000), { 'content-type': contentType });
      const took = performance.now() - started;
      expect({ contentType, status: r.status, error: r.body.error }).toEqual({ contentType, status: 400, error: 'invalid_json' });
      expect(r.body.message).toContain('deeper than 32 levels');
      expect(took).toBeLessThan(1000);
      expect(await health).toBeLessThan(1000);
    }
    // A report's own nesting is far from the cap.
    const ok = await post('POST', '/v1/reports/batch', `[${reportOf(500)}]`, JSON_TYPE);
    expect([ok.status, ok.body.accepted]).toEqual([200, 1]);
  });

  it('answers 20 of 20 sends of a 2 MB report with the 413 JSON, with Node\'s fetch (declared and chunked) and 20 MiB too', async () => {
    const body = reportOf(2_000_000);
    const answers: string[] = [];
    const send = async (payload: string | ReadableStream, extra: RequestInit = {}) => {
      try {
        const res = await fetch(`${ownProcess.url}/v1/reports`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${desk}` }, body: payload, ...extra });
        const json = (await res.json()) as { error: string; message: string };
        answers.push(`${res.status} ${json.error} ${/1048576 bytes/.test(json.message)}`);
      } catch (e) {
        answers.push(`failed: ${String((e as Error & { cause?: Error }).cause ?? e)}`);
      }
    };
    for (let i = 0; i < 20; i++) await send(body);
    expect(answers).toEqual(Array(20).fill('413 payload_too_large true'));
    answers.length = 0;
    const chunked = () => new ReadableStream({
      start(controller) {
        const bytes = Buffer.from(body);
        for (let at = 0; at < bytes.length; at += 65536) controller.enqueue(bytes.subarray(at, at + 65536));
        controller.close();
      },
    });
    for (let i = 0; i < 20; i++) await send(chunked(), { duplex: 'half' } as RequestInit);
    expect(answers).toEqual(Array(20).fill('413 payload_too_large true'));
    answers.length = 0;
    const huge = reportOf(20 * 1024 * 1024);
    for (let i = 0; i < 5; i++) await send(huge);
    expect(answers).toEqual(Array(5).fill('413 payload_too_large true'));
    // the connection is still good for the next request
    expect((await client(ownProcess.url, desk)('POST', '/v1/reports', reportOf(1000), JSON_TYPE)).status).toBe(202);
  });

  it('answers 20 of 20 keyless sends of a 2 MB body with the 401 JSON, not a broken connection', async () => {
    const body = reportOf(2_000_000);
    const answers: string[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        const res = await fetch(`${ownProcess.url}/v1/reports/batch`, { method: 'POST', headers: JSON_TYPE, body });
        answers.push(`${res.status} ${((await res.json()) as { error: string }).error}`);
      } catch (e) {
        answers.push(`failed: ${String((e as Error & { cause?: Error }).cause ?? e)}`);
      }
    }
    expect(answers).toEqual(Array(20).fill('401 missing_key'));
  });

  it('answers 20 of 20 sends of a 2 MB report with the 413 JSON with curl, with and without Expect: 100-continue, and chunked', async () => {
    const file = join(dir, 'big.json');
    await writeFile(file, reportOf(2_000_000));
    for (const extra of [['-H', 'Expect: 100-continue'], ['-H', 'Expect:'], ['-H', 'Transfer-Encoding: chunked', '-H', 'Expect:'], []]) {
      const answers: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await run('curl', ['-sS', '-X', 'POST', `${ownProcess.url}/v1/reports`, '-H', 'content-type: application/json', '-H', `authorization: Bearer ${desk}`, ...extra,
          '--data-binary', `@${file}`, '-w', '\n%{http_code}'], { maxBuffer: 1 << 20 }).catch((e: Error & { code?: number; stderr?: string }) => ({ stdout: `curl exit ${e.code}: ${e.stderr}\n` }));
        const [json, code] = r.stdout.split('\n');
        let error = '';
        try {
          error = (JSON.parse(json) as { error: string }).error;
        } catch {
          error = json;
        }
        answers.push(`${code} ${error}`);
      }
      expect({ extra, answers }).toEqual({ extra, answers: Array(20).fill('413 payload_too_large') });
    }
  });

  it('answers 415 to text/plain or no content type where JSON is expected, and to NDJSON where only the batch takes it', async () => {
    const text = reportOf(500);
    for (const path of ['/v1/reports', '/v1/reports/batch', '/v1/admin/keys']) {
      for (const [what, headers, body] of [
        ['text/plain', { 'content-type': 'text/plain' }, text],
        ['no content type', {}, Buffer.from(text)],
        ...(path !== '/v1/reports/batch' ? [['NDJSON', { 'content-type': 'application/x-ndjson' }, text] as const] : []),
      ] as const) {
        const base = path.startsWith('/v1/admin') ? query.url : ingest.url;
        const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${base === query.url ? testConfig.adminKey : desk}`, ...headers }, body });
        const json = (await res.json()) as { error: string; message: string };
        expect({ path, what, status: res.status, error: json.error }).toEqual({ path, what, status: 415, error: 'unsupported_media_type' });
        expect(json.message).toContain('application/json');
      }
    }
    const ndjson = await fetch(`${ingest.url}/v1/reports/batch`, { method: 'POST', headers: { authorization: `Bearer ${desk}`, 'content-type': 'application/x-ndjson' }, body: `${text}\n` });
    expect([ndjson.status, ((await ndjson.json()) as { accepted: number }).accepted]).toEqual([200, 1]);
  });

  it('keeps the admin key, public routes and the docs working through the gate', async () => {
    expect((await client(query.url)('GET', '/v1/exchanges?limit=1')).status).toBe(200);
    const health = await client(query.url, null)('GET', '/health');
    expect({ status: health.status, body: health.status === 200 ? 'up' : health.body }).toEqual({ status: 200, body: 'up' });
    expect((await client(query.url, null)('GET', '/v1/schemas')).status).toBe(200);
    expect((await client(query.url, null)('GET', '/docs-json')).status).toBe(200);
    expect((await client(query.url, null)('HEAD', '/v1/exchanges')).status).toBe(401);
    expect((await client(query.url, null)('GET', '/no-such-route')).status).toBe(404);
    expect(testConfig.adminKey).toBeTruthy();
  });
});
