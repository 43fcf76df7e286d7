import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { client, eventually, freshId, startApi, startContext } from '@newsledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Instants written correctly but outside what PostgreSQL and JS Date answer (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z). */
const OUT_OF_RANGE = [
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:59:59.999Z',
  '0001-01-01T00:00:00+00:01',
  '9999-12-31T23:59:59-14:00',
  '9999-12-31T23:59:59.999-00:01',
];
/** The edges of the range, which must be answered (never a 500). */
const EDGES = ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00-14:00', '9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59+14:00'];

describe('every instant the query API reads is checked against the range it can answer (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let read: ReturnType<typeof client>;
  const subject = `exchange/${freshId('range')}`;
  const view = `/v1/${subject.replace('exchange/', 'exchanges/')}`;

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
    read = client(query.url);
    const posted = await client(ingest.url)('POST', '/v1/reports', { type: 'exchange.underway', subject, source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data: {} });
    expect(posted.status).toBe(202);
    await eventually('the view', async () => ((await read('GET', view)).status === 200 ? true : undefined));
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  /** Each parameter, how to send an instant in it, and the error code of its endpoint. */
  const PARAMS: [string, (at: string) => string, string][] = [
    ['asOf', (at) => `${view}?asOf=${encodeURIComponent(at)}`, 'invalid_query'],
    ['updatedSince', (at) => `/v1/exchanges?updatedSince=${encodeURIComponent(at)}`, 'invalid_query'],
    ['cursor', (at) => `/v1/negotiations?cursor=${base64url([at, 'negotiation/a-b'])}`, 'invalid_query'],
    // The export's refusals keep its own code (`invalid_audit_request`), naming the parameter the same way.
    ['from', (at) => `/v1/export?from=${encodeURIComponent(at)}`, 'invalid_audit_request'],
    ['to', (at) => `/v1/export?to=${encodeURIComponent(at)}`, 'invalid_audit_request'],
  ];

  it.each(PARAMS)('refuses %s outside the range with a 400 naming it, never a 500', async (name, path, code) => {
    for (const at of OUT_OF_RANGE) {
      const r = await read('GET', path(at));
      expect({ at, status: r.status, error: r.body.error, paths: r.body.details?.map((d: { path: string }) => d.path) }).toEqual({ at, status: 400, error: code, paths: [name] });
      if (name !== 'cursor') expect({ at, message: JSON.stringify(r.body) }).toEqual({ at, message: expect.stringContaining('between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z') });
    }
  });

  it.each(PARAMS)('answers %s at the edges of the range', async (name, path) => {
    for (const at of EDGES) {
      const r = await read('GET', path(at));
      expect({ name, at, ok: r.status === 200 || r.status === 404 }).toEqual({ name, at, ok: true });
    }
  });

  it('takes a plain date in updatedSince and the export window as the whole UTC day', async () => {
    const recordedAt = (await read('GET', `${view}/history`)).body.events[0].recordedAt as string;
    const day = recordedAt.slice(0, 10);
    const dayAfter = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const [next, previous] = [dayAfter(day, 1), dayAfter(day, -1)];
    const listed = async (since: string) => ((await read('GET', `/v1/exchanges?limit=500&updatedSince=${since}`)).body.items as { subject: string }[]).some((v) => v.subject === subject);
    expect([await listed(day), await listed(next)]).toEqual([true, false]);
    const exported = async (q: string) => {
      const r = await read('GET', `/v1/export?${q}`);
      expect(r.status).toBe(200);
      // One line is read as JSON, several as text.
      return (typeof r.body === 'string' ? r.body : JSON.stringify(r.body)).includes(`"subject":"${subject}"`);
    };
    expect([await exported(`from=${day}&to=${day}`), await exported(`to=${day}`), await exported(`from=${next}`), await exported(`to=${previous}`)]).toEqual([true, true, false, false]);
  });

  it('refuses validAt outside the range too', async () => {
    for (const at of ['0000', '0000-12', '0000-12-31', ...OUT_OF_RANGE]) {
      const r = await read('GET', `${view}?validAt=${encodeURIComponent(at)}`);
      expect({ at, status: r.status, error: r.body.error, paths: r.body.details?.map((d: { path: string }) => d.path) }).toEqual({ at, status: 400, error: 'invalid_query', paths: ['validAt'] });
    }
    for (const at of ['0001', '9999', '9999-12-31', ...EDGES]) {
      const status = (await read('GET', `${view}?validAt=${encodeURIComponent(at)}`)).status;
      expect({ at, ok: status === 200 || status === 404 }).toEqual({ at, ok: true });
    }
  });
});
