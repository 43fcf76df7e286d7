import { INestApplication } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@newsledger/config';
import { CONFIRMATIONS, EVENT_TYPES, eventJsonSchemaIn, eventJsonSchemas, eventJsonSchemaVersions, validateReport } from '@newsledger/domain';
import { createKafka, EventLogModule, KAFKA } from '@newsledger/event-log';
import { describedEventSchemas, HealthModule, reportWords, STORY_EXAMPLES, withoutDialect } from '@newsledger/http';
import { PersistenceModule } from '@newsledger/persistence';
import { client, startApi } from '@newsledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

type Doc = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every `$ref` in a document. */
function refsOf(node: unknown, out: string[] = []): string[] {
  if (typeof node !== 'object' || node === null) return out;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out.push(v);
    else refsOf(v, out);
  }
  return out;
}

describe('API documents: /docs, /docs-json and /v1/schemas (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  const docs = new Map<string, Doc>();

  beforeAll(async () => {
    ingest = await startApi(IngestApiModule);
    // The query API serves the combined document, reading the ingest API's part from its public URL.
    process.env.NEWSLEDGER_INGEST_URL = ingest.url;
    query = await startApi(QueryApiModule);
    for (const api of [ingest, query]) docs.set(api.url, (await client(api.url, null)('GET', '/docs-json')).body);
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close()]);
  });

  it('serves an OpenAPI 3.1 document of each API without a key, every reference resolved', () => {
    for (const [api, title] of [[ingest, 'newsledger ingest API'], [query, 'newsledger query API']] as const) {
      const doc = docs.get(api.url)!;
      // An opaque API key, not a JWT.
      expect(doc).toMatchObject({ openapi: '3.1.0', info: { title }, components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'API key' } } } });
      const missing = refsOf(doc).filter((r) => !(r.replace('#/components/schemas/', '') in doc.components.schemas));
      expect({ title, missing }).toEqual({ title, missing: [] });
    }
  });

  it('gives every operation a summary, its scope or "public", and the contract\'s error body', () => {
    for (const api of [ingest, query]) {
      const doc = docs.get(api.url)!;
      for (const [path, item] of Object.entries(doc.paths as Record<string, Doc>)) {
        for (const method of METHODS.filter((m) => item[m])) {
          const op = item[method];
          const route = `${method.toUpperCase()} ${path}`;
          const scopes: string[] = op.security.flatMap((s: Record<string, string[]>) => s.bearer ?? []);
          expect({ route, summary: typeof op.summary }).toEqual({ route, summary: 'string' });
          if (scopes.length > 0) {
            expect({ route, scopes: scopes.length, described: op.description.includes(`**Scope:** \`${scopes[0]}\``) }).toEqual({ route, scopes: 1, described: true });
            expect({ route, denied: op.responses['401']?.content['application/json'].schema }).toEqual({ route, denied: { $ref: '#/components/schemas/Error' } });
          } else {
            expect({ route, described: op.description.includes('**Public:**') }).toEqual({ route, described: true });
          }
          expect({ route, failed: op.responses['500']?.content['application/json'].schema }).toEqual({ route, failed: { $ref: '#/components/schemas/Error' } });
        }
      }
    }
  });

  it("documents reports with the domain's schemas, from zod, and errors with the contract's body", () => {
    const doc = docs.get(ingest.url)!;
    const record = doc.paths['/v1/reports'].post;
    expect(record.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Report' });
    expect(record.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RecordedReport' });
    expect(record.responses['409'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    const schemas = doc.components.schemas;
    expect(schemas.Report.oneOf).toHaveLength(EVENT_TYPES.length);
    expect(schemas.Report.discriminator.propertyName).toBe('type');
    const described = describedEventSchemas();
    for (const type of EVENT_TYPES) expect({ type, schema: schemas[type] }).toEqual({ type, schema: withoutDialect(described[type]) });
    expect(schemas.Error).toMatchObject({ type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, details: { type: 'array' } } });
    expect(schemas.RecordedReport.required).toEqual(['eventId', 'subject', 'partition', 'offset', 'duplicate']);
    expect(doc.paths['/v1/reports/batch'].post.requestBody.content).toHaveProperty(['application/x-ndjson']);
  });

  it("gives every operation an example from the article's story, and each example is what the API takes", () => {
    const missing: string[] = [];
    for (const api of [ingest, query]) {
      const doc = docs.get(api.url)!;
      for (const [path, item] of Object.entries(doc.paths as Record<string, Doc>)) {
        for (const method of METHODS.filter((m) => item[m])) {
          const op = item[method];
          const params = (op.parameters ?? []).some((p: Doc) => p.example !== undefined);
          const body = Object.values((op.requestBody?.content ?? {}) as Record<string, Doc>).some((m) => m.example !== undefined || m.examples !== undefined);
          const answer = Object.values(op.responses as Record<string, Doc>).some((r) => Object.values((r.content ?? {}) as Record<string, Doc>).some((m) => m.example !== undefined));
          if (!params && !body && !answer) missing.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
    expect(missing).toEqual([]);
    const record = docs.get(ingest.url)!.paths['/v1/reports'].post;
    const examples = record.requestBody.content['application/json'].examples as Record<string, { summary: string; value: unknown }>;
    expect(Object.keys(examples).sort()).toEqual([...EVENT_TYPES].sort());
    for (const [type, example] of Object.entries(examples)) expect({ type, ok: validateReport(example.value).ok }).toEqual({ type, ok: true });
    expect(examples['exchange.completed']).toEqual(STORY_EXAMPLES['exchange.completed']);
    const view = docs.get(query.url)!.paths['/v1/exchanges/{id}'].get;
    expect(view.parameters.find((p: Doc) => p.name === 'id').example).toBe('ua-ru-2025-05-1000');
    expect(view.responses['200'].content['application/json'].example).toMatchObject({ subject: 'exchange/ua-ru-2025-05-1000', status: 'underway', released: { UA: 390, RU: 390 } });
  });

  it('serves one document of both APIs on the query API, each operation with its server', async () => {
    const both = (await client(query.url, null)('GET', '/docs/all-json')).body as Doc;
    expect(both.info.title).toBe('newsledger ingest and query APIs');
    expect(both.servers.map((s: Doc) => s.description)).toEqual(['the ingest API', 'the query API']);
    const [ingestServer, queryServer] = both.servers.map((s: Doc) => s.url);
    expect(ingestServer).toBe(ingest.url);
    expect(both.paths['/v1/reports'].servers).toEqual([{ url: ingestServer, description: 'the ingest API' }]);
    expect(both.paths['/v1/exchanges'].servers).toEqual([{ url: queryServer, description: 'the query API' }]);
    expect(both.paths['/v1/schemas'].servers.map((s: Doc) => s.url)).toEqual([ingestServer, queryServer]);
    for (const doc of [docs.get(ingest.url)!, docs.get(query.url)!]) for (const path of Object.keys(doc.paths)) expect(both.paths).toHaveProperty([path]);
    const missing = refsOf(both).filter((r) => !(r.replace('#/components/schemas/', '') in both.components.schemas));
    expect(missing).toEqual([]);
    const page = await fetch(`${query.url}/docs/all`);
    expect(page.status).toBe(200);
    expect(await (await fetch(`${query.url}/docs/all/swagger-ui-init.js`)).text()).toContain('newsledger ingest and query APIs');
  });

  it('serves Swagger UI at /docs under a CSP that lets it load', async () => {
    for (const api of [ingest, query]) {
      const page = await fetch(`${api.url}/docs`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('swagger-ui-bundle.js');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).not.toMatch(/upgrade-insecure-requests/);
      // Everything the page loads comes from this origin, and the document is inlined in the init script.
      const loaded = [...html.matchAll(/(?:src|href)=["'](\.\/[^"']+)["']/g)].map((m) => new URL(m[1], `${api.url}/docs`).toString());
      expect(loaded).toEqual(expect.arrayContaining([`${api.url}/docs/swagger-ui-bundle.js`, `${api.url}/docs/swagger-ui-init.js`]));
      for (const src of loaded) expect({ src, status: (await fetch(src)).status }).toEqual({ src, status: 200 });
      expect(await (await fetch(`${api.url}/docs/swagger-ui-init.js`)).text()).toContain('"openapi": "3.1.0"');
    }
  });

  it('serves the JSON Schema of every event type at /v1/schemas on both APIs', async () => {
    for (const api of [ingest, query]) {
      const anonymous = client(api.url, null);
      const all = await anonymous('GET', '/v1/schemas');
      expect(all.status).toBe(200);
      expect(all.body.schemas).toEqual(describedEventSchemas());
      // Each type says what it records and shows a report of it; the words of a report are explained beside them.
      for (const type of EVENT_TYPES) {
        expect({ type, description: typeof all.body.schemas[type].description, example: all.body.schemas[type].examples[0].type }).toEqual({ type, description: 'string', example: type });
      }
      expect(all.body.confirmations).toEqual(reportWords().confirmations);
      expect(Object.keys(all.body.confirmations)).toEqual([...CONFIRMATIONS]);
      expect(all.body.sourceKinds).toEqual(reportWords().sourceKinds);
      expect(all.body.versions).toEqual(eventJsonSchemaVersions());
      const v1 = await anonymous('GET', '/v1/schemas/negotiation.round.announced/versions/1');
      expect([v1.status, v1.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^application\/schema\+json/)]);
      expect(v1.body).toEqual(eventJsonSchemaIn('negotiation.round.announced', 1));
      expect(v1.body).toMatchObject({ deprecated: true, properties: { data: { properties: { agenda: { type: 'string' } } } } });
      expect((await anonymous('GET', '/v1/schemas/negotiation.round.announced/versions/2')).body).toEqual(eventJsonSchemas()['negotiation.round.announced']);
      expect((await anonymous('GET', '/v1/schemas/exchange.agreed/versions/1')).body).toEqual(eventJsonSchemas()['exchange.agreed']);
      for (const [path, message] of [
        ['/v1/schemas/negotiation.round.announced/versions/3', 'negotiation.round.announced has no version "3"; its versions are 1 to 2'],
        ['/v1/schemas/exchange.agreed/versions/2', 'exchange.agreed has no version "2"; its versions are 1'],
        ['/v1/schemas/exchange.agreed/versions/v1', 'exchange.agreed has no version "v1"; its versions are 1'],
      ]) {
        const missing = await anonymous('GET', path);
        expect([missing.status, missing.body.error, missing.body.message]).toEqual([404, 'not_found', message]);
      }
      const one = await anonymous('GET', '/v1/schemas/exchange.phase.completed');
      expect([one.status, one.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^application\/schema\+json/)]);
      expect(one.body).toEqual(describedEventSchemas()['exchange.phase.completed']);
      expect(one.body.examples[0]).toMatchObject({ subject: 'exchange/ua-ru-2025-05-1000', data: { phase: 1, releasedBy: { UA: 390, RU: 390 } } });
      const unknown = await anonymous('GET', '/v1/schemas/exchange.teleported');
      expect([unknown.status, unknown.body.error]).toEqual([404, 'not_found']);
      // The error is the contract's JSON body, not a schema.
      expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
      expect(unknown.body.message).toContain('exchange.agreed');
    }
  });

  it('names the dependency that is down in /health, with the contract\'s error body', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(loadConfig()), PersistenceModule.forRoot(), EventLogModule, HealthModule] })
      .overrideProvider(KAFKA)
      .useValue(createKafka({ brokers: ['127.0.0.1:9'], clientId: 'health-spec' }))
      .compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const r = await client((await app.getUrl()).replace('[::1]', '127.0.0.1'), null)('GET', '/health');
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/^kafka is down/) });
      expect(r.body.details).toEqual(
        expect.arrayContaining([
          { dependency: 'postgres', status: 'up' },
          expect.objectContaining({ dependency: 'kafka', status: 'down', message: expect.any(String) }),
        ]),
      );
    } finally {
      await app.close();
    }
    const up = await client(query.url, null)('GET', '/health');
    // `log`: the projector projects the log it is given (see log-identity.e2e-spec).
    expect([up.status, up.body.info]).toEqual([200, { postgres: { status: 'up' }, kafka: { status: 'up' }, log: { status: 'up' } }]);
  });
});
