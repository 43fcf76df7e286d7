import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { client, eventually, freshId, startApi, startContext } from '@newsledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

function report(id: string, subject: string, type: string, data: Record<string, unknown> = {}) {
  return { id, type, subject, source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data };
}

const NUL = '%00';
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('bad input to the query API: a 4xx JSON error, nothing changed (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let read: ReturnType<typeof client>;
  const id = freshId('input');
  const agreed = `exchange/${id}-agreed`;
  const underway = `exchange/${id}-underway`;
  const proposed = `exchange/${id}-proposed`;
  const startedAt = new Date().toISOString();

  /** The subjects of this file among a list answer. */
  const mine = (r: { body: { items: { subject: string }[] } }) => r.body.items.map((v) => v.subject).filter((s) => s.includes(id)).sort();
  const listed = (query: string) => read('GET', `/v1/exchanges?limit=500&updatedSince=${encodeURIComponent(startedAt)}&${query}`);

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
    read = client(query.url);
    const post = client(ingest.url);
    for (const r of [
      report(`${id}-1`, agreed, 'exchange.agreed', { parties: ['UA', 'RU'] }),
      report(`${id}-2`, underway, 'exchange.agreed', { parties: ['UA', 'RU'] }),
      report(`${id}-3`, underway, 'exchange.underway'),
      report(`${id}-4`, proposed, 'exchange.proposed', { parties: ['US', 'IR'] }),
    ]) {
      expect((await post('POST', '/v1/reports', r)).status).toBe(202);
    }
    await eventually('the three exchanges projected', async () => {
      const r = await listed('');
      return r.status === 200 && mine(r).length === 3 ? true : undefined;
    });
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  describe('list filters', () => {
    it('reads status as documented: comma-separated, repeated, or both', async () => {
      for (const q of ['status=agreed,underway', 'status=agreed&status=underway', 'status=agreed, underway&status=agreed']) {
        const r = await listed(q);
        expect({ q, status: r.status, mine: mine(r) }).toEqual({ q, status: 200, mine: [agreed, underway].sort() });
      }
      expect(mine(await listed('status=proposed'))).toEqual([proposed]);
      expect(mine(await listed('reportedStatus=underway,proposed'))).toEqual([proposed, underway].sort());
    });

    it('takes several parties, repeated or comma-separated, in either case: subjects naming any of them', async () => {
      for (const q of ['party=UA&party=US', 'party=ua,us', 'party=US&party=ua']) {
        const r = await listed(q);
        expect({ q, status: r.status, mine: mine(r) }).toEqual({ q, status: 200, mine: [agreed, proposed, underway].sort() });
      }
      expect(mine(await listed('party=ir'))).toEqual([proposed]);
    });

    it('refuses a status that is not one of the kind, naming the valid ones', async () => {
      const bogus = await listed('status=bogus');
      expect(bogus).toMatchObject({ status: 400, body: { error: 'invalid_query', details: [{ path: 'status' }] } });
      expect(bogus.body.message).toContain('proposed, agreed, underway, completed, suspended, cancelled');
      const wrongKind = await read('GET', '/v1/negotiations?status=agreed');
      expect(wrongKind).toMatchObject({ status: 400, body: { error: 'invalid_query', details: [{ path: 'status' }] } });
      expect(wrongKind.body.message).toContain('scheduled, active, stalled, collapsed, concluded');
      expect(await read('GET', '/v1/exchanges?reportedStatus=agreed,nope')).toMatchObject({ status: 400, body: { details: [{ path: 'reportedStatus' }] } });
    });

    it('answers 400, never 500, to NUL characters, bad parties and forged cursors', async () => {
      for (const q of [`status=${NUL}`, `reportedStatus=${NUL}`, `party=${NUL}`, `party=U${NUL}`, 'party=Ukraine', `updatedSince=${NUL}`, `cursor=${NUL}`,
        `q=${NUL}`, `q=${'x'.repeat(201)}`, 'q=a&q=b',
        `cursor=${base64url(['x', 'y'])}`, `cursor=${base64url(['2025-02-30T00:00:00.000Z', 'exchange/a-b'])}`,
        `cursor=${base64url(['2025-05-23T10:00:00.000Z', 'exchange/a\u0000'])}`, `cursor=${base64url([1, 2])}`]) {
        for (const collection of ['exchanges', 'negotiations']) {
          const r = await read('GET', `/v1/${collection}?${q}`);
          expect({ q, collection, status: r.status, error: r.body.error }).toEqual({ q, collection, status: 400, error: 'invalid_query' });
          expect(r.body.message).toEqual(expect.any(String));
        }
      }
      const cursor = await read('GET', `/v1/exchanges?cursor=${base64url(['x', 'y'])}`);
      expect(cursor.body).toMatchObject({ details: [{ path: 'cursor' }] });
      expect(cursor.body.message).toContain('start again without it');
    });

    it('refuses a parameter that takes one value given twice', async () => {
      for (const q of ['updatedSince=2025-01-01T00:00:00Z&updatedSince=2025-02-01T00:00:00Z', 'limit=1&limit=2', 'cursor=a&cursor=b']) {
        const r = await read('GET', `/v1/exchanges?${q}`);
        expect({ q, status: r.status, error: r.body.error }).toEqual({ q, status: 400, error: 'invalid_query' });
      }
    });

    it('still pages through every view exactly once with the cursors it hands out', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { items: { subject: string }[]; nextCursor: string | null } } = await read(
          'GET', `/v1/exchanges?limit=1&party=UA,US&updatedSince=${encodeURIComponent(startedAt)}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((v) => v.subject));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.filter((s) => s.includes(id)).sort()).toEqual([agreed, proposed, underway].sort());
      expect(new Set(seen).size).toBe(seen.length);
    });
  });

  describe('unknown parameters', () => {
    it('refuses a misspelt filter with 400 naming it and the one meant, instead of listing everything', async () => {
      const r = await listed('staus=agreed');
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'invalid_query', details: [{ path: 'staus', message: expect.stringContaining('did you mean "status"?') }] });
      expect(r.body.message).toContain('unknown query parameter "staus" (did you mean "status"?); GET /v1/exchanges takes status, reportedStatus, party');
      const view = await read('GET', `/v1/exchanges/${id}-agreed?asof=2025-05-23T10:00:00Z`);
      expect([view.status, view.body.details]).toEqual([400, [{ path: 'asof', message: expect.stringContaining('did you mean "asOf"?') }]]);
    });

    it('refuses q (or any parameter it does not take) on every GET route of both APIs that has no search', async () => {
      const routes: { api: string; path: string; takesQ: boolean }[] = [];
      for (const api of [ingest.url, query.url]) {
        const doc = (await client(api, null)('GET', '/docs-json')).body as { paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }> };
        for (const [path, item] of Object.entries(doc.paths)) {
          if (!item.get || !path.startsWith('/v1/')) continue;
          routes.push({ api, path, takesQ: (item.get.parameters ?? []).some((p) => p.in === 'query' && p.name === 'q') });
        }
      }
      // Every read of the query API is here, the feed and the admin routes included.
      expect(routes.length).toBeGreaterThanOrEqual(20);
      for (const { api, path, takesQ } of routes) {
        const concrete = path.replace('{id}', `${id}-agreed`).replace('{type}', 'exchange.agreed');
        const r = await client(api)('GET', `${concrete}?q=`);
        if (takesQ) {
          expect({ path, status: r.status }).toEqual({ path, status: 200 });
          continue;
        }
        expect({ path, status: r.status, error: r.body.error, details: r.body.details }).toEqual({
          path, status: 400, error: 'invalid_query', details: [{ path: 'q', message: expect.stringContaining('is not a parameter of GET') }],
        });
      }
    });
  });

  describe('history paging', () => {
    it('pages a history with limit and cursor: every event once, in log order, as the whole history has them', async () => {
      const whole = await read('GET', `/v1/exchanges/${id}-underway/history`);
      expect([whole.status, whole.body.events.length, whole.body.nextCursor]).toEqual([200, 2, null]);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { status: number; body: { events: { eventId: string }[]; nextCursor: string | null } } = await read(
          'GET', `/v1/exchanges/${id}-underway/history?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.events.map((e) => e.eventId));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 5);
      expect(seen).toEqual(whole.body.events.map((e: { eventId: string }) => e.eventId));
      expect(pages).toBe(2);
    });

    it('refuses a bad limit or a cursor it did not make, and still says 404 for an unknown subject', async () => {
      const history = `/v1/exchanges/${id}-underway/history`;
      for (const q of ['limit=0', 'limit=1001', 'limit=x', 'limit=1&limit=2', `limit=1&cursor=${base64url([0, 'x'])}`, 'cursor=nonsense']) {
        const r = await read('GET', `${history}?${q}`);
        expect({ q, status: r.status, error: r.body.error }).toEqual({ q, status: 400, error: 'invalid_query' });
      }
      expect((await read('GET', `/v1/exchanges/${freshId('none')}/history?limit=5`)).status).toBe(404);
    });
  });

  describe('time parameters', () => {
    const view = `/v1/exchanges/${id}-agreed`;

    it('refuses asOf and updatedSince without an offset or with an impossible date, showing an example', async () => {
      // A real date alone is a bound of its own (a whole day): see below and test/instant-range.e2e-spec.ts.
      for (const value of ['2025-05-23T10:00:00', '2025-05-23T10:00:00.000', '2025-02-30T00:00:00Z', '2025-04-31T12:00:00+02:00', '2025-05', '2025-13-01T00:00:00Z', `2025-05-23T10:00:00Z${NUL}`, '2025-02-30']) {
        // Encoded, so "+02:00" arrives as an offset rather than as a space (refused for the wrong reason).
        const sent = encodeURIComponent(value);
        for (const [path, name] of [[`${view}?asOf=${sent}`, 'asOf'], [`/v1/exchanges?updatedSince=${sent}`, 'updatedSince']]) {
          const r = await read('GET', path);
          // The value is echoed as it arrived: "+02:00" and not " 02:00".
          expect({ path, status: r.status, error: r.body.error, details: r.body.details }).toEqual({
            path, status: 400, error: 'invalid_query', details: [{ path: name, message: expect.stringContaining(`"${value}"`) }],
          });
          expect(r.body.message).toContain('2025-05-23T10:00:00Z');
        }
      }
      expect((await read('GET', `${view}?asOf=2025-05-23T10:00:00Z&asOf=2025-05-24T10:00:00Z`)).status).toBe(400);
    });

    it('takes a plain date as asOf, meaning the end of that day (UTC), and says so in X-As-Of and X-Time-Note', async () => {
      const day = (await read('GET', view)).body.lastRecordedAt.slice(0, 10);
      const end = `${day}T23:59:59.999Z`;
      for (const path of [view, `${view}/explain`]) {
        const r = await read('GET', `${path}?asOf=${day}`);
        expect([path, r.status, r.headers.get('x-as-of'), r.headers.get('x-time-note')]).toEqual([path, 200, end, `asOf ${day} is a date: read as the end of that day, ${end} (UTC)`]);
      }
      expect((await read('GET', `${view}?asOf=${day}`)).body.eventCount).toBe(1);
      // The day before, nothing was recorded: the 404 says how its date was read too.
      const before = new Date(Date.parse(`${day}T00:00:00Z`) - 1).toISOString().slice(0, 10);
      const gone = await read('GET', `${view}?asOf=${before}`);
      expect([gone.status, gone.headers.get('x-as-of')]).toEqual([404, `${before}T23:59:59.999Z`]);
      // An instant is answered as the instant it is, without a note; a validAt date gets one.
      const instant = await read('GET', `${view}?asOf=${encodeURIComponent(`${day}T23:59:59+00:00`)}&validAt=${day}`);
      expect([instant.status, instant.headers.get('x-as-of'), instant.headers.get('x-time-note')]).toEqual([200, `${day}T23:59:59.000Z`, `validAt ${day} is a date: the reports that occurred by the end of it (UTC) count`]);
      const bad = await read('GET', `${view}?asOf=2025-02-30`);
      expect([bad.status, bad.body.details, bad.body.message]).toEqual([400, [{ path: 'asOf', message: 'got "2025-02-30"' }], expect.stringContaining('or a date YYYY-MM-DD for the end of that day (UTC)')]);
    });

    it('takes instants with Z or an offset, leap days included', async () => {
      for (const asOf of ['2999-01-01T00:00:00Z', '2999-01-01T03:00:00.5+03:00', '2999-01-01T00:00:00.123456-05:30', '2999-01-01T00:00Z', '2999-01-01T03:00+03:00']) {
        const r = await read('GET', `${view}?asOf=${encodeURIComponent(asOf)}`);
        expect({ asOf, status: r.status, eventCount: r.body.eventCount }).toEqual({ asOf, status: 200, eventCount: 1 });
      }
      expect((await read('GET', '/v1/exchanges?updatedSince=2024-02-29T00:00:00Z')).status).toBe(200);
      expect((await read('GET', `/v1/exchanges?updatedSince=${encodeURIComponent('2024-02-29T03:00:00.123456+03:00')}`)).status).toBe(200);
      expect((await read('GET', `/v1/exchanges?updatedSince=${encodeURIComponent('2024-02-29T03:00+03:00')}`)).status).toBe(200);
    });
  });

  describe('NUL characters in bodies and ids', () => {
    it('refuses a subscription whose secret or url holds a NUL, creating nothing', async () => {
      const before = (await read('GET', '/v1/subscriptions')).body.subscriptions.length;
      for (const body of [
        { url: 'http://127.0.0.1:9/hook', secret: 'sixteen-chars-or\u0000more' },
        { url: 'http://127.0.0.1:9/ho\u0000ok', secret: 'sixteen-chars-or-more' },
      ]) {
        const r = await read('POST', '/v1/subscriptions', body);
        expect(r.status).toBe(400);
        expect(r.body).toMatchObject({ error: 'invalid_subscription' });
        expect(r.body.details).toEqual([expect.objectContaining({ path: body.secret.includes('\u0000') ? 'secret' : 'url', message: expect.stringContaining('NUL') })]);
      }
      expect((await read('GET', '/v1/subscriptions')).body.subscriptions.length).toBe(before);
    });

    it('answers 404, as for any unknown id, to ids holding a NUL', async () => {
      for (const [method, path, error] of [
        ['GET', `/v1/subscriptions/${NUL}`, 'not_found'],
        ['GET', `/v1/subscriptions/sub_${NUL}/deliveries`, 'not_found'],
        ['DELETE', `/v1/subscriptions/${NUL}`, 'not_found'],
        ['DELETE', `/v1/admin/keys/${NUL}`, 'not_found'],
        ['GET', `/v1/admin/rebuild/${NUL}`, 'rebuild_not_found'],
      ] as const) {
        const r = await read(method, path);
        expect({ method, path, status: r.status, error: r.body.error }).toEqual({ method, path, status: 404, error });
      }
    });
  });
});
