import { INestApplication, RequestMethod } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { SCOPES, Scope } from '@newsledger/auth';
import { validateReport } from '@newsledger/domain';
import { createKafka } from '@newsledger/event-log';
import { client, freshId, startApi, testConfig } from '@newsledger/testing';
import * as fc from 'fast-check';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { recordFigures } from './support/figures';

interface Route { method: string; path: string; scope: Scope | undefined; isPublic: boolean }

/** Every route an app serves, with the scope it declares, read from the controllers' metadata. */
function routesOf(app: INestApplication): Route[] {
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes: Route[] = [];
  const controllers = [...app.get(ModulesContainer).values()].flatMap((m) => [...m.controllers.values()]);
  for (const wrapper of controllers) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const prefix = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = (instance as Record<string, unknown>)[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const targets = [handler as () => void, wrapper.metatype as () => void];
      routes.push({
        method,
        path: `/${[prefix, path].map((p) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`,
        scope: reflector.getAllAndOverride<Scope>('newsledger:scope', targets),
        isPublic: reflector.getAllAndOverride<boolean>('newsledger:public', targets) === true,
      });
    }
  }
  return routes;
}

describe('trust: keys, scopes, limits and hostile input (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  // The projector as it runs on its own: HTTP for /metrics and /health only.
  let projector: { app: INestApplication; url: string };
  const keys = new Map<string, string>();

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startApi(ProjectorModule)]);
    const admin = client(query.url);
    for (const scope of SCOPES.filter((s) => s !== 'admin')) {
      const r = await admin('POST', '/v1/admin/keys', { name: `only-${scope}`, scopes: [scope] });
      keys.set(scope, r.body.key);
    }
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.app.close()]);
  });

  it('declares a scope on every route; only /health, the event schemas and the timeline page shell are public', () => {
    for (const api of [ingest, query, projector]) {
      const routes = routesOf(api.app);
      expect(routes.length).toBeGreaterThan(1);
      for (const r of routes) {
        // The page and its assets hold no data: the page sends the reader's key on its own calls.
        // The schemas are documentation (/docs-json, public too, carries them).
        if (r.isPublic) expect(['/health', '/v1/schemas', '/v1/schemas/:type', '/v1/schemas/:type/versions/:version', '/', '/assets/:file']).toContain(r.path);
        else expect({ route: `${r.method} ${r.path}`, scope: r.scope }).toEqual({ route: `${r.method} ${r.path}`, scope: expect.stringMatching(/^(ingest|read|audit|metrics|admin)$/) });
      }
    }
  });

  it('documents every scoped route at /docs-json with the scope the guard enforces; /docs is public', async () => {
    for (const api of [ingest, query]) {
      const docs = await client(api.url, null)('GET', '/docs-json');
      expect(docs.status).toBe(200);
      expect((await fetch(`${api.url}/docs`)).status).toBe(200);
      for (const r of routesOf(api.app)) {
        const op = docs.body.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
        const route = `${r.method} ${r.path}`;
        if (r.isPublic) {
          if (op) expect({ route, security: op.security }).toEqual({ route, security: [] });
        } else {
          expect({ route, security: op?.security }).toEqual({ route, security: [{ bearer: [r.scope] }] });
        }
      }
    }
  });

  it('answers 401 without a key and 403 with every key lacking the scope, on every route', async () => {
    for (const api of [ingest, query, projector]) {
      for (const r of routesOf(api.app).filter((x) => !x.isPublic)) {
        const path = r.path.replace(/:[A-Za-z]+/g, 'some-id-1');
        const body = ['POST', 'PUT', 'PATCH'].includes(r.method) ? {} : undefined;
        const anonymous = await client(api.url, null)(r.method, path, body);
        expect({ route: `${r.method} ${r.path}`, status: anonymous.status, error: anonymous.body?.error }).toEqual({ route: `${r.method} ${r.path}`, status: 401, error: 'missing_key' });
        for (const [scope, key] of keys) {
          if (scope === r.scope) continue;
          const other = await client(api.url, key)(r.method, path, body);
          expect({ route: `${r.method} ${r.path}`, with: scope, status: other.status }).toEqual({ route: `${r.method} ${r.path}`, with: scope, status: 403 });
        }
      }
    }
  });

  it('refuses a revoked key at once', async () => {
    const admin = client(query.url);
    const created = await admin('POST', '/v1/admin/keys', { name: freshId('revoked'), scopes: ['read'] });
    const asIt = client(query.url, created.body.key);
    expect((await asIt('GET', '/v1/exchanges?limit=1')).status).toBe(200);
    expect((await admin('DELETE', `/v1/admin/keys/${created.body.id}`)).status).toBe(200);
    const after = await asIt('GET', '/v1/exchanges?limit=1');
    expect([after.status, after.body.error]).toEqual([401, 'invalid_key']);
  });

  describe('a revoked ingest key on the single report\'s route, where its claim checks it', () => {
    const report = (id: string) => ({
      id, type: 'exchange.underway', subject: `exchange/${freshId('revoked-desk')}`, source: { name: 'wire', kind: 'agency' }, confirmation: 'reported',
      data: { location: 'Belarus border' },
    });
    /** A desk's key, used twice (the second request takes the key this process read for the first), then revoked. */
    async function usedThenRevoked() {
      const created = await client(query.url)('POST', '/v1/admin/keys', { name: freshId('revoked-desk'), scopes: ['ingest'] });
      const asIt = client(ingest.url, created.body.key);
      for (const id of [freshId('before-a'), freshId('before-b')]) expect((await asIt('POST', '/v1/reports', report(id))).status).toBe(202);
      expect((await client(query.url)('DELETE', `/v1/admin/keys/${created.body.id}`)).status).toBe(200);
      return asIt;
    }

    it('is refused at once, and nothing it sent after is recorded', async () => {
      const asIt = await usedThenRevoked();
      const refusedReport = report(freshId('after'));
      const after = await asIt('POST', '/v1/reports', refusedReport);
      expect([after.status, after.body.error]).toEqual([401, 'invalid_key']);
      // Nothing was claimed or appended: the same report from another key is new, not a duplicate.
      expect((await client(ingest.url)('POST', '/v1/reports', refusedReport)).status).toBe(202);
      // And from now on the key's row is read before the body: not even a malformed one is read.
      const malformed = await asIt('POST', '/v1/reports', '{"not json', { 'content-type': 'application/json' });
      expect([malformed.status, malformed.body.error]).toEqual([401, 'invalid_key']);
    });

    it('is told 401, not why its report would be refused, when the report is refused before its claim', async () => {
      const asIt = await usedThenRevoked();
      const invalid = await asIt('POST', '/v1/reports', { ...report(freshId('invalid')), confirmation: 'rumoured' });
      expect([invalid.status, invalid.body.error]).toEqual([401, 'invalid_key']);
    });
  });

  it('answers the right secret sent just after a wrong one for its key id with 429 and Retry-After, not as invalid', async () => {
    const created = await client(query.url)('POST', '/v1/admin/keys', { name: freshId('paused'), scopes: ['read'] });
    const wrong = await client(query.url, `nlk_${created.body.id}_${'x'.repeat(43)}`)('GET', '/v1/exchanges?limit=1');
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_key']);
    const asIt = client(query.url, created.body.key);
    const paused = await asIt('GET', '/v1/exchanges?limit=1');
    expect([paused.status, paused.body.error]).toEqual([429, 'rate_limited']);
    expect(paused.body.message).toMatch(/retry/);
    const wait = Number(paused.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    expect((await asIt('GET', '/v1/exchanges?limit=1')).status).toBe(200);
  });

  it('sends security headers and refuses prototype-polluting JSON', async () => {
    const r = await client(ingest.url)('POST', '/v1/reports', '{"__proto__": {"admin": true}, "type": "exchange.underway"}', { 'content-type': 'application/json' });
    expect([r.status, r.body.error]).toEqual([400, 'invalid_json']);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('strict-transport-security')).toBeTruthy();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('limits requests per key with 429 and Retry-After, leaving other keys alone', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { RATE_LIMIT_REQUESTS: '5', RATE_LIMIT_WINDOW_MS: '60000' });
    const limited = await startApi(QueryApiModule).finally(() => {
      process.env = saved;
    });
    try {
      const asReader = client(limited.url, keys.get('read'));
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 7; i++) {
        last = await asReader('GET', '/v1/exchanges?limit=1');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      expect(last!.body.error).toBe('rate_limited');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      // Guessing secrets for the same key id draws on the same allowance, counted before any check.
      const id = keys.get('read')!.split('_')[1];
      expect((await client(limited.url, `nlk_${id}_${'x'.repeat(43)}`)('GET', '/v1/exchanges?limit=1')).status).toBe(429);
      expect((await client(limited.url, keys.get('audit'))('GET', '/v1/exchanges?limit=1')).status).toBe(403);
      expect((await client(limited.url, null)('GET', '/health')).status).toBe(200);
    } finally {
      await limited.app.close();
    }
  });

  it("counts requests on the projector's /metrics before checking keys, as the APIs do", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { RATE_LIMIT_REQUESTS: '5', RATE_LIMIT_WINDOW_MS: '60000' });
    const limited = await startApi(ProjectorModule).finally(() => {
      process.env = saved;
    });
    try {
      // Not shaped like a key: refused without a check (an unknown key id would be paused after one,
      // as a wrong secret is), so only the rate limit can answer 429.
      const unknown = client(limited.url, 'not-a-key');
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await unknown('GET', '/metrics')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      expect((await client(limited.url, keys.get('metrics'))('GET', '/metrics')).status).toBe(200);
    } finally {
      await limited.app.close();
    }
  });

  it('never answers 5xx to random or mutated reports, and appends nothing for invalid ones', async () => {
    const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'fuzz-spec' });
    const admin = kafka.admin();
    await admin.connect();
    const logEnd = async () => (await admin.fetchTopicOffsets(testConfig.kafka.topics.events)).reduce((n, p) => n + Number(p.offset), 0);
    const post = client(ingest.url, keys.get('ingest'));
    const subject = `exchange/${freshId('fuzz')}`;
    const valid = {
      type: 'exchange.agreed', subject, source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed',
      data: { parties: ['UA', 'RU'], releasedBy: { UA: 10, RU: 10 } },
    };
    const mutated = fc.tuple(fc.constantFrom(...Object.keys(valid), 'data.parties', 'data.releasedBy', 'note', 'occurredAt', 'id'), fc.jsonValue()).map(([path, value]) => {
      const copy = JSON.parse(JSON.stringify(valid)) as Record<string, any>;
      const [head, tail] = path.split('.');
      if (tail) copy[head][tail] = value;
      else copy[head] = value;
      return copy;
    });
    let tried = 0;
    let appended = 0;
    let refused = 0;
    const before = await logEnd();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), mutated, fc.string()), async (body) => {
        tried += 1;
        const r = await post('POST', '/v1/reports', typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': 'application/json' });
        expect(r.status).toBeLessThan(500);
        expect(typeof r.body.error === 'string' || r.status < 300).toBe(true);
        if (r.status === 202) appended += 1;
        if (r.status === 400) refused += 1;
        if (typeof body !== 'string' && !validateReport(body).ok) expect(r.status).toBe(400);
      }),
      { numRuns: 300, seed: 20250523 },
    );
    expect(await logEnd()).toBe(before + appended);
    await admin.disconnect();
    expect(tried).toBe(300);
    recordFigures('ingestFuzz', { cases: tried, accepted: appended, refused400: refused, status5xx: 0, appendedForInvalid: 0, seed: 20250523 });
  });
});
