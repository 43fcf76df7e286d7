import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { client, eventually, freshId, startApi, startContext } from '@newsledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

/**
 * The README's tour, its reports read from README.md itself so the two cannot drift apart, sent
 * over HTTP with a desk key of its own; each check is what a comment of the tour says. Subject and
 * report ids get a suffix, so the tour can run beside the other suites.
 */
describe('the README tour (real Kafka and PostgreSQL)', () => {
  const sfx = freshId('tour').slice(5);
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const tour = readme.slice(readme.indexOf('## A tour'), readme.indexOf('\n## ', readme.indexOf('## A tour') + 1));
  const rebased = (json: string) =>
    json.replace(/(ua-ru-2025-05-1000|ua-ru-istanbul-2025|ua-ru-2024-12-30)/g, `$1-${sfx}`).replace(/"(swap-agreed|trump-complete)"/g, `"$1-${sfx}"`);
  const postsIn = (text: string) => [...text.matchAll(/^post '(\{[\s\S]*?\})'$/gm)].map((m) => JSON.parse(rebased(m[1]!)) as { type: string; subject: string });
  const posts = postsIn(tour);
  const beforeMark = postsIn(tour.slice(0, tour.indexOf('BEFORE=$('))).length;
  const swap = `ua-ru-2025-05-1000-${sfx}`;
  const december = `ua-ru-2024-12-30-${sfx}`;

  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let post: ReturnType<typeof client>;
  let read: ReturnType<typeof client>;
  let before: string;

  async function send(from: number, to: number) {
    for (const report of posts.slice(from, to)) {
      const r = await post('POST', '/v1/reports', report);
      expect([r.status, r.body]).toEqual([202, expect.objectContaining({ duplicate: false })]);
    }
  }
  const levels = (corroboration: Record<string, { level: string }>) => Object.fromEntries(Object.entries(corroboration).map(([stage, c]) => [stage, c.level]));
  async function projected(id: string, eventCount: number) {
    return eventually(`${id} with ${eventCount} events`, async () => {
      const r = await read('GET', `/v1/exchanges/${id}`);
      return r.status === 200 && r.body.eventCount === eventCount ? r.body : undefined;
    });
  }

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
    const desk = await client(query.url)('POST', '/v1/admin/keys', { name: `kyiv-desk-${sfx}`, scopes: ['ingest', 'read'] });
    expect(desk.status).toBe(201);
    post = client(ingest.url, desk.body.key);
    read = client(query.url, desk.body.key);
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  it('reads the tour\'s reports in the order the checks below rely on', () => {
    expect(posts.map((p) => p.type)).toEqual([
      'negotiation.round.held', 'exchange.agreed', 'exchange.completed',
      'exchange.underway', 'exchange.details.reported', 'exchange.described', 'negotiation.described',
      'exchange.phase.completed', 'exchange.phase.completed', 'report.retracted',
      'exchange.completed', 'exchange.completed',
    ]);
    expect(beforeMark).toBe(3);
  });

  it('keeps Trump\'s claim apart from the confirmed status, and tells what was known before the military spoke', async () => {
    await send(0, beforeMark);
    await projected(swap, 2);
    before = new Date().toISOString();
    await send(beforeMark, 5);
    const view = await projected(swap, 4);
    expect(view).toMatchObject({ status: 'underway', reportedStatus: 'completed', location: { value: 'Ukraine–Belarus border' }, expectedDays: { value: 3 } });
    expect(view.claims.map((c: { status: string; confirmation: string; source: { name: string } }) => [c.status, c.confirmation, c.source.name])).toEqual([
      ['agreed', 'confirmed', 'Reuters'],
      ['completed', 'claimed', 'Donald Trump'],
      ['underway', 'confirmed', 'Ukrainian military sources'],
    ]);
    const then = await read('GET', `/v1/exchanges/${swap}?asOf=${before}`);
    expect(then.body).toMatchObject({ status: 'agreed', reportedStatus: 'completed', eventCount: 2 });
  });

  it('carries the headline on the view and the list, which q finds in any case', async () => {
    await send(5, 7);
    const view = await projected(swap, 5);
    expect(view).toMatchObject({
      title: 'Ukraine and Russia agree to swap 1,000 prisoners each',
      summary: 'The largest exchange of the war, agreed at the first direct talks since March 2022.',
    });
    const found = await eventually('the list to find the headline', async () => {
      const r = await read('GET', '/v1/exchanges?q=1,000%20PRISONERS');
      return r.body.items.some((v: { id: string }) => v.id === swap) ? r.body : undefined;
    });
    expect(found.items.find((v: { id: string }) => v.id === swap)).toMatchObject({ id: swap, title: 'Ukraine and Russia agree to swap 1,000 prisoners each' });
    for (const q of ['reuters', 'Ukrainian MILITARY', 'UA', sfx]) {
      expect((await read('GET', `/v1/exchanges?q=${encodeURIComponent(q)}&limit=500`)).body.items.map((v: { id: string }) => v.id)).toContain(swap);
    }
    expect((await read('GET', `/v1/exchanges?q=${encodeURIComponent(`belarus ${sfx}`)}`)).body.items).toEqual([]);
    // LIKE's wildcards in q are plain characters: "%" and "_" match only themselves.
    for (const q of [`${sfx}%`, `_${sfx}`]) expect((await read('GET', `/v1/exchanges?q=${encodeURIComponent(q)}`)).body.items).toEqual([]);
    expect(levels(view.corroboration)).toEqual({ proposed: 'multi-source', agreed: 'multi-source', underway: 'multi-source', completed: 'single-source' });
  });

  it('finds the negotiation by the venue of its round and explains its status by the report of that round', async () => {
    const negotiation = `ua-ru-istanbul-2025-${sfx}`;
    const view = await eventually('the negotiation described', async () => {
      const r = await read('GET', `/v1/negotiations/${negotiation}`);
      return r.body.eventCount === 2 ? r.body : undefined;
    });
    expect(view).toMatchObject({ title: 'Ukraine–Russia talks in Istanbul', summary: null, status: 'active' });
    const found = await read('GET', '/v1/negotiations?q=istanbul&limit=500');
    expect(found.body.items.find((v: { id: string }) => v.id === negotiation)).toMatchObject({ title: 'Ukraine–Russia talks in Istanbul', status: 'active' });
    const explained = await read('GET', `/v1/negotiations/${negotiation}/explain`);
    expect(explained.body.facts[0]).toMatchObject({
      field: 'status',
      value: 'active',
      sentence: 'Active: round 1 held, as Reuters (confirmed) reported; no status reported since.',
      evidence: [{ type: 'negotiation.round.held', role: 'supports', source: { name: 'Reuters' } }],
    });
  });

  it('climbs the ladder once both sides confirm phase 1, and explains why reportedStatus moved back', async () => {
    await send(7, 10);
    const view = await projected(swap, 8);
    expect(view).toMatchObject({ status: 'underway', reportedStatus: 'underway', released: { RU: 390, UA: 390 } });
    expect(levels(view.corroboration)).toEqual({
      proposed: 'all-parties',
      agreed: 'all-parties',
      underway: 'all-parties',
    });
    const explained = await read('GET', `/v1/exchanges/${swap}/explain`);
    expect(explained.body.facts.find((f: { field: string }) => f.field === 'reportedStatus').sentence).toBe(
      'Underway: reported by Ukrainian military sources (confirmed), Russian Ministry of Defence (RU) (confirmed) and ' +
        'Coordination Headquarters for the Treatment of POWs (UA) (confirmed); official statements from RU and UA. ' +
        'Retracted: Donald Trump (only the first 390-for-390 phase had taken place).',
    );
  });

  it('shows the 30 December 2024 dispute with the lowest figure, and lists it as disputed', async () => {
    await send(10, 12);
    const view = await projected(december, 2);
    expect(view.released).toEqual({ RU: 150, UA: 150 });
    expect(view.disputes.map((d: { fact: string; shown: number; values: { value: number; sources: { name: string }[] }[] }) => ({
      fact: d.fact,
      shown: d.shown,
      values: d.values.map((v) => ({ value: v.value, by: v.sources.map((s) => s.name) })),
    }))).toEqual([
      { fact: 'released.RU', shown: 150, values: [{ value: 150, by: ['Russian Ministry of Defence'] }, { value: 189, by: ['Volodymyr Zelensky'] }] },
    ]);
    const listed = await eventually('the disputed list', async () => {
      const r = await read('GET', `/v1/exchanges?disputed=true&q=zelensky`);
      return r.body.items.some((v: { id: string }) => v.id === december) ? r.body : undefined;
    });
    expect(listed.items.every((v: { disputes: unknown[] }) => v.disputes.length > 0)).toBe(true);
  });
});
