import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { client, eventually, freshId, startApi, startContext } from '@newsledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import {
  afterwardExpectations,
  afterwardStory,
  APRIL_SWAP,
  articleStory,
  articleStoryExpectations,
  BIG_SWAP,
  DECEMBER_2024_SWAP,
  ISTANBUL,
  JANUARY_SWAP,
  JULY_2024_SWAP,
} from './fixtures/article.story';
import { rebase, runNames } from './fixtures/story.fixture';

describe('the article, told over HTTP (real Kafka and PostgreSQL)', () => {
  const suffix = freshId('run').slice(4);
  const names = runNames([...articleStory, ...afterwardStory], suffix);
  const story = rebase(articleStory, names);
  const expected = rebase(articleStoryExpectations, names);
  const subject = (s: string) => names.get(s)!;
  const idOf = (s: string) => subject(s).split('/')[1];

  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let post: ReturnType<typeof client>;
  let read: ReturnType<typeof client>;
  let midway: { at: string; view: Record<string, unknown> };
  const startedAt = new Date().toISOString();

  async function projected(kind: 'exchanges' | 'negotiations', s: string, eventCount: number) {
    return eventually(`${s} with ${eventCount} events`, async () => {
      const r = await read('GET', `/v1/${kind}/${s.split('/')[1]}`);
      return r.status === 200 && r.body.eventCount === eventCount ? r.body : undefined;
    });
  }

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
    post = client(ingest.url);
    read = client(query.url);

    let swapSoFar = 0;
    for (const report of story) {
      const r = await post('POST', '/v1/reports', report);
      expect([r.status, r.body]).toEqual([202, expect.objectContaining({ eventId: report.id, duplicate: false })]);
      if (report.subject === subject(BIG_SWAP) && ++swapSoFar === 2) {
        // Capture what we knew halfway through the swap, once it is projected.
        const view = await projected('exchanges', subject(BIG_SWAP), 2);
        midway = { at: new Date().toISOString(), view };
      }
    }
    for (const s of Object.keys(articleStoryExpectations.exchanges)) {
      await projected('exchanges', subject(s), articleStoryExpectations.exchanges[s].eventCount!);
    }
    await projected('negotiations', subject(ISTANBUL), articleStoryExpectations.negotiations[ISTANBUL].eventCount!);
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  it.each(Object.keys(articleStoryExpectations.exchanges))('shows the exchange %s as the article tells it', async (s) => {
    const r = await read('GET', `/v1/exchanges/${idOf(s)}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject(expected.exchanges[subject(s)]);
  });

  it('keeps Trump\'s claim apart from the confirmed status of the big swap', async () => {
    const r = await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}`);
    expect(r.body.status).toBe('underway');
    expect(r.body.reportedStatus).toBe('completed');
    const trump = r.body.claims.find((c: { status: string }) => c.status === 'completed');
    expect(trump).toMatchObject({ confirmation: 'claimed', source: { kind: 'social' } });
  });

  it('shows the Istanbul talks with their rounds, the Vatican mediation and the swap agreed there', async () => {
    const r = await read('GET', `/v1/negotiations/${idOf(ISTANBUL)}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject(expected.negotiations[subject(ISTANBUL)]);
    expect(r.body.exchanges).toEqual([subject(BIG_SWAP)]);
  });

  it('lists and filters views, most recent first', async () => {
    const completed = await read('GET', `/v1/exchanges?status=completed&limit=500&updatedSince=2020-01-01T00:00:00Z`);
    const mine = completed.body.items.map((v: { subject: string }) => v.subject).filter((x: string) => x.endsWith(suffix));
    expect(mine.sort()).toEqual([subject(APRIL_SWAP), subject(JANUARY_SWAP), subject(JULY_2024_SWAP)].sort());
    const underway = await read('GET', `/v1/exchanges?status=underway&party=ua&limit=500`);
    expect(underway.body.items.map((v: { subject: string }) => v.subject)).toContain(subject(BIG_SWAP));

    // Paging walks every view exactly once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { subject: string }[]; nextCursor: string | null } } = await read(
        'GET', `/v1/exchanges?limit=2&updatedSince=${encodeURIComponent(startedAt)}${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((v) => v.subject));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const s of [BIG_SWAP, APRIL_SWAP, JANUARY_SWAP, JULY_2024_SWAP]) expect(seen).toContain(subject(s));

    const bad = await read('GET', '/v1/exchanges?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid_query', details: [{ path: 'limit' }] });
  });

  it('gives the history of a subject in log order, with who recorded what', async () => {
    const r = await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}/history`);
    const sent = story.filter((x) => x.subject === subject(BIG_SWAP)).map((x) => x.id);
    expect(r.body.events.map((e: { eventId: string }) => e.eventId)).toEqual(sent);
    for (const e of r.body.events) {
      expect(e).toMatchObject({ ingestor: 'admin', retracted: false, retractedBy: null });
      expect(Date.parse(e.recordedAt)).not.toBeNaN();
    }
    const offsets = r.body.events.map((e: { position: { offset: string } }) => Number(e.position.offset));
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
  });

  it('answers "what did we know then" with the view as it stood at that instant', async () => {
    const r = await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}?asOf=${encodeURIComponent(midway.at)}`);
    expect(r.status).toBe(200);
    const { asOf, ...view } = r.body;
    expect(asOf).toBe(midway.at);
    expect(view).toEqual(midway.view);
    expect(view.eventCount).toBe(2);
    const before = await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}?asOf=2000-01-01T00:00:00Z`);
    expect(before.status).toBe(404);
    const bad = await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}?asOf=yesterday`);
    expect(bad.status).toBe(400);
  });

  describe('what happened next: both sides confirm phase 1, Trump\'s claim is retracted, and the 150-vs-189 dispute of 30 December 2024', () => {
    const next = rebase(afterwardStory, names);
    const expectedNext = rebase(afterwardExpectations, names);
    let beforeNext: string;

    beforeAll(async () => {
      beforeNext = new Date().toISOString();
      for (const report of next) {
        const r = await post('POST', '/v1/reports', report);
        expect([r.status, r.body]).toEqual([202, expect.objectContaining({ eventId: report.id, duplicate: false })]);
      }
      for (const s of Object.keys(afterwardExpectations.exchanges)) {
        await projected('exchanges', subject(s), afterwardExpectations.exchanges[s].eventCount!);
      }
    });

    it.each(Object.keys(afterwardExpectations.exchanges))('shows the exchange %s with its corroboration and disputes', async (s) => {
      const r = await read('GET', `/v1/exchanges/${idOf(s)}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject(expectedNext.exchanges[subject(s)]);
    });

    it('shows the dispute and the conservative figure, never released RU 189 silently', async () => {
      const r = await read('GET', `/v1/exchanges/${idOf(DECEMBER_2024_SWAP)}`);
      expect(r.body.released).toEqual({ RU: 150, UA: 150 });
      expect(r.body.disputes).toEqual([
        expect.objectContaining({ fact: 'released.RU', shown: 150, values: [expect.objectContaining({ value: 150 }), expect.objectContaining({ value: 189 })] }),
      ]);
    });

    it('lists exchanges by dispute and by the corroboration level of their reported status', async () => {
      const mine = async (query: string) => {
        const r = await read('GET', `/v1/exchanges?${query}&limit=500&updatedSince=${encodeURIComponent(startedAt)}`);
        expect(r.status).toBe(200);
        return r.body.items.map((v: { subject: string }) => v.subject).filter((x: string) => x.endsWith(suffix)).sort();
      };
      expect(await mine('disputed=true')).toEqual([subject(DECEMBER_2024_SWAP)]);
      expect(await mine('disputed=false')).toEqual([subject(APRIL_SWAP), subject(JANUARY_SWAP), subject(JULY_2024_SWAP), subject(BIG_SWAP)].sort());
      expect(await mine('level=all-parties')).toEqual([subject(BIG_SWAP), subject(DECEMBER_2024_SWAP)].sort());
      // The article's voice alone: one source for each older swap.
      expect(await mine('level=single-source,multi-source')).toEqual([subject(APRIL_SWAP), subject(JANUARY_SWAP), subject(JULY_2024_SWAP)].sort());
      const bad = await read('GET', '/v1/exchanges?level=confirmed');
      expect(bad.body).toMatchObject({ error: 'invalid_query', details: [{ path: 'level' }] });
    });

    it('answers what we knew before: Trump\'s claim alone said completed, one source', async () => {
      const r = await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}?asOf=${encodeURIComponent(beforeNext)}`);
      expect(r.body).toMatchObject({
        status: 'underway',
        reportedStatus: 'completed',
        eventCount: 4,
        corroboration: { completed: { level: 'single-source', sources: [{ name: 'Truth Social', kind: 'social' }] }, underway: { level: 'multi-source' } },
      });
    });

    it("names a withdrawn report's retraction beside it, with why, on a page of the history without the retraction", async () => {
      const pages: { eventId: string; retraction: { eventId: string; source: { name: string }; reason: string } | null }[][] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { events: (typeof pages)[number]; nextCursor: string | null } } = await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}/history?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        pages.push(page.body.events);
        cursor = page.body.nextCursor;
      } while (cursor && pages.length < 50);
      const [claim] = pages.find(([e]) => e.eventId === subject('article-swap-trump-complete'))!;
      expect(claim.retraction).toMatchObject({ eventId: subject('after-trump-retracted'), source: { name: 'Wire report, 23 May 2025' }, reason: expect.stringContaining('Only the first 390-for-390 phase') });
      expect(pages.flat().filter((e) => e.retraction).map((e) => e.eventId)).toEqual([subject('article-swap-trump-complete')]);
    });

    it('explains each fact with a sentence naming its sources and the reports behind it, now and as of before', async () => {
      const r = await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}/explain`);
      expect(r.status).toBe(200);
      const reported = r.body.facts.find((f: { field: string }) => f.field === 'reportedStatus');
      expect(reported).toMatchObject({ value: 'underway', level: 'all-parties', sentence: expect.stringContaining('official statements from RU and UA') });
      expect(reported.evidence.map((e: { eventId: string; role: string }) => [e.eventId, e.role])).toContainEqual([subject('article-swap-trump-complete'), 'retracted']);
      const before = await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}/explain?asOf=${encodeURIComponent(beforeNext)}`);
      expect(before.body.facts.find((f: { field: string }) => f.field === 'reportedStatus')).toMatchObject({
        value: 'completed',
        level: 'single-source',
        sentence: 'Completed: reported by Truth Social (claimed); no official statement from either party.',
        evidence: [expect.objectContaining({ eventId: subject('article-swap-trump-complete'), type: 'exchange.completed', role: 'supports' })],
      });
      const december = await read('GET', `/v1/exchanges/${idOf(DECEMBER_2024_SWAP)}/explain`);
      expect(december.body.facts.map((f: { field: string; value: unknown }) => [f.field, f.value])).toEqual([
        ['status', 'completed'], ['reportedStatus', 'completed'], ['released.RU', 150], ['released.UA', 150], ['disputes.released.RU', 150],
      ]);
      const talks = await read('GET', `/v1/negotiations/${idOf(ISTANBUL)}/explain`);
      expect(talks.body.subject).toBe(subject(ISTANBUL));
      expect(talks.body.facts.map((f: { field: string; value: unknown }) => [f.field, f.value])).toEqual([
        ['status', 'active'],
        ['rounds.1', 'held'],
        ['rounds.2', 'announced'],
        ['mediation.Vatican', 'reported'],
      ]);
      expect(talks.body.facts[1].sentence).toBe('Round 1 held in Istanbul on 2025-05-16, according to Wire report, 23 May 2025 (confirmed).');
      expect((await read('GET', `/v1/exchanges/${idOf(BIG_SWAP)}/explain?asOf=2000-01-01T00:00:00Z`)).status).toBe(404);
    });

    it('takes the figures from the reports that occurred by validAt', async () => {
      const r = await read('GET', `/v1/exchanges/${idOf(DECEMBER_2024_SWAP)}?validAt=2024-12-29`);
      expect(r.status).toBe(404);
      const at = await read('GET', `/v1/exchanges/${idOf(DECEMBER_2024_SWAP)}?validAt=2024-12-30`);
      expect(at.body).toMatchObject({ released: { RU: 150, UA: 150 }, disputes: [{ fact: 'released.RU', shown: 150 }] });
    });
  });
});
