import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { FeedMessage, NewsledgerClient, NewsledgerError, RetryInfo } from '@newsledger/client';
import { eventually, freshId, startApi, startContext, testConfig } from '@newsledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { articleStory, articleStoryExpectations, BIG_SWAP, ISTANBUL } from './fixtures/article.story';
import { rebase, runNames } from './fixtures/story.fixture';

/**
 * A network that fails in both ways a client must survive: a third of the requests get a 503
 * without reaching the server, another third reach it but lose their answer.
 */
function flakyFetch(): { fetch: typeof fetch; refused: number; lost: number } {
  const stats = { refused: 0, lost: 0 };
  let n = 0;
  const flaky: typeof fetch = async (input, init) => {
    n += 1;
    if (n % 3 === 1) {
      stats.refused += 1;
      return new Response(JSON.stringify({ error: 'log_unavailable', message: 'try again' }), { status: 503, headers: { 'retry-after': '0', 'content-type': 'application/json' } });
    }
    const res = await fetch(input, init);
    if (n % 3 === 2) {
      await res.text();
      stats.lost += 1;
      throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
    }
    return res;
  };
  return Object.assign(stats, { fetch: flaky });
}

/** A fetch whose first stream breaks right after the first chunk that carries a change. */
function cutFirstStream(): typeof fetch {
  let cut = false;
  return async (input, init) => {
    const res = await fetch(input, init);
    if (cut || !res.body) return res;
    cut = true;
    const reader = res.body.getReader();
    let breakNext = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (breakNext) {
          await reader.cancel();
          return controller.error(new TypeError('terminated', { cause: { code: 'ECONNRESET' } }));
        }
        const { value, done } = await reader.read();
        if (done) return controller.close();
        controller.enqueue(value);
        breakNext = new TextDecoder().decode(value).includes('data:');
      },
    });
    return new Response(body, { status: res.status, headers: res.headers });
  };
}

describe('@newsledger/client against the real stack', () => {
  const suffix = freshId('client').slice(7);
  const names = runNames(articleStory, suffix);
  const story = rebase(articleStory, names);
  const expected = rebase(articleStoryExpectations, names);
  const swap = names.get(BIG_SWAP)! as `exchange/${string}`;
  const talks = names.get(ISTANBUL)! as `negotiation/${string}`;
  const key = testConfig.adminKey;

  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  it('records the article through a flaky network, each report once; reads the views and follows the feed', async () => {
    const stop = new AbortController();
    const received: FeedMessage[] = [];
    const reconnects: string[] = [];
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const subscriber = new NewsledgerClient({ queryUrl: query.url, key, fetch: cutFirstStream(), retry: { baseDelayMs: 20 } });
    const following = (async () => {
      const feed = subscriber.followStatusChanges({ subject: swap, signal: stop.signal, onOpen: () => opened(), onReconnect: ({ error }) => reconnects.push(error.code) });
      for await (const m of feed) received.push(m);
    })();
    await open;

    const network = flakyFetch();
    const retries: RetryInfo[] = [];
    const client = new NewsledgerClient({ ingestUrl: ingest.url, queryUrl: query.url, key, fetch: network.fetch, retry: { baseDelayMs: 10 }, onRetry: (r) => retries.push(r) });
    const results = [];
    for (const report of story) results.push(await client.record(report));
    expect(results.map((r) => r.eventId)).toEqual(story.map((r) => r.id));
    // Each lost answer was followed by a retry the server recognised.
    expect(results.filter((r) => r.duplicate)).toHaveLength(network.lost);
    expect(network.refused).toBeGreaterThan(0);
    expect(network.lost).toBeGreaterThan(0);
    expect(retries.map((r) => r.error.code).sort()).toEqual([...Array(network.refused).fill('log_unavailable'), ...Array(network.lost).fill('unreachable')].sort());

    const reader = new NewsledgerClient({ queryUrl: query.url, key });
    for (const [subject, view] of Object.entries(expected.exchanges)) {
      const got = await eventually(`${subject} projected`, async () => {
        const v = await reader.view(subject as `exchange/${string}`).catch(() => undefined);
        return v && v.eventCount === view.eventCount ? v : undefined;
      });
      expect(got).toMatchObject(view);
    }
    const talksView = await eventually('the talks projected', async () => {
      const v = await reader.view(talks).catch(() => undefined);
      return v && v.eventCount === expected.negotiations[talks].eventCount ? v : undefined;
    });
    expect(talksView).toMatchObject(expected.negotiations[talks]);
    expect(talksView.exchanges).toContain(swap);

    // Recorded once each, retries and all.
    const history = await reader.history(swap);
    expect(history.events.map((e) => e.eventId)).toEqual(story.filter((r) => r.subject === swap).map((r) => r.id));
    expect(history.nextCursor).toBeNull();
    // A page at a time, following nextCursor, gives the same events in the same order.
    const first = await reader.history(swap, { limit: 3 });
    expect([first.events.length, typeof first.nextCursor]).toEqual([3, 'string']);
    const paged: string[] = [];
    for await (const e of reader.historyAll(swap, { pageSize: 1 })) paged.push(e.eventId);
    expect(paged).toEqual(history.events.map((e) => e.eventId));

    // Before the first report was recorded there was nothing to know.
    const before = new Date(Date.parse(history.events[0].recordedAt) - 1);
    await expect(reader.view(swap, { asOf: before })).rejects.toMatchObject({ code: 'not_found', status: 404 });
    await expect(reader.view(swap, { asOf: history.events[1].recordedAt })).resolves.toMatchObject({ reportedStatus: 'completed', status: 'agreed', eventCount: 2, asOf: history.events[1].recordedAt });

    // Page by page (other tests' subjects may be listed too) until every exchange of the story is seen.
    const ours = new Set([...names.values()].filter((s) => s.startsWith('exchange/')));
    const listed: string[] = [];
    for await (const v of reader.listAll('exchange', { updatedSince: history.events[0].recordedAt, limit: 2 })) {
      listed.push(v.subject);
      if ([...ours].every((s) => listed.includes(s))) break;
    }
    expect(listed).toEqual(expect.arrayContaining([...ours]));
    expect(new Set(listed).size).toBe(listed.length);

    // The subscriber saw every change of the swap once, in order, though its first stream broke.
    const changeIds = [`article-swap-agreed-${suffix}:status`, `article-swap-agreed-${suffix}:reportedStatus`, `article-swap-trump-complete-${suffix}:reportedStatus`, `article-swap-military-underway-${suffix}:status`];
    await eventually('every change of the swap on the feed', async () => (received.length >= changeIds.length ? true : undefined));
    stop.abort();
    await following;
    expect(received.map((m) => m.change.id)).toEqual(changeIds);
    expect(received[received.length - 1].change).toMatchObject({ subject: swap, field: 'status', from: 'agreed', to: 'underway' });
    expect(reconnects).toEqual(['unreachable']);
  });

  it('throws the contract error for a report the server refuses, without retrying it', async () => {
    const retries: RetryInfo[] = [];
    const client = new NewsledgerClient({ ingestUrl: ingest.url, key, onRetry: (r) => retries.push(r) });
    const refused = await client
      .record({ type: 'exchange.agreed', subject: `exchange/${freshId('bad')}`, source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data: {} } as never)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NewsledgerError);
    expect(refused).toMatchObject({ code: 'invalid_report', status: 400, details: expect.arrayContaining([expect.objectContaining({ path: 'data.parties' })]) });
    expect(retries).toEqual([]);
    await expect(new NewsledgerClient({ ingestUrl: ingest.url, key: 'nope' }).record(story[0])).rejects.toMatchObject({ status: 401 });
  });
});
