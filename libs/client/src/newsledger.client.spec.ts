import type { ReportInput } from '@newsledger/domain';
import { NewsledgerClient, RetryInfo } from './newsledger.client';
import { NewsledgerError } from './newsledger.error';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

type Reply = Response | Error | ((sent: Sent, signal: AbortSignal | undefined) => Response | Error);

/** A fetch that answers from a script, one reply per request, and records what was sent. */
function scripted(...replies: Reply[]) {
  const sent: Sent[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const s: Sent = {
      method: init?.method ?? 'GET',
      url: String(input),
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    sent.push(s);
    const next = replies.shift();
    if (!next) throw new Error(`unexpected request ${s.method} ${s.url}`);
    const r = typeof next === 'function' ? next(s, init?.signal ?? undefined) : next;
    if (r instanceof Error) throw r;
    return r;
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const refused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

const report = (id?: string): ReportInput => ({
  ...(id ? { id } : {}),
  type: 'exchange.agreed',
  subject: 'exchange/ua-ru-1',
  source: { name: 'wire', kind: 'agency' },
  confirmation: 'confirmed',
  data: { parties: ['UA', 'RU'] },
});

function clientWith(fetch: typeof globalThis.fetch, retries: RetryInfo[] = []) {
  return new NewsledgerClient({
    ingestUrl: 'http://ingest.test/',
    queryUrl: 'http://query.test',
    key: 'k',
    fetch,
    retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 20 },
    onRetry: (r) => retries.push(r),
  });
}

describe('NewsledgerClient: base URLs', () => {
  it.each(['localhost:3001', '127.0.0.1:3001', 'ftp://127.0.0.1:3001', 'http://', 'not a url'])('refuses %j at once, naming the option', (url) => {
    expect(() => new NewsledgerClient({ queryUrl: url })).toThrow(new TypeError(`queryUrl must be an http or https URL with a host, such as http://127.0.0.1:3001; got "${url}"`));
  });

  it('takes http and https URLs, trailing slashes and a path prefix', async () => {
    const { fetch, sent } = scripted(new Response(JSON.stringify({ items: [], nextCursor: null }), { status: 200, headers: { 'content-type': 'application/json' } }));
    const client = new NewsledgerClient({ queryUrl: 'https://news.example/ledger//', ingestUrl: 'http://127.0.0.1:3000', fetch });
    await client.list('exchange');
    expect(sent[0].url).toMatch(/^https:\/\/news\.example\/ledger\/v1\/exchanges/);
  });
});

describe('NewsledgerClient: lists', () => {
  it('sends the dispute and corroboration filters', async () => {
    const { fetch, sent } = scripted(new Response(JSON.stringify({ items: [], nextCursor: null }), { status: 200, headers: { 'content-type': 'application/json' } }));
    await new NewsledgerClient({ queryUrl: 'http://127.0.0.1:3001', fetch }).list('exchange', { disputed: false, level: 'one-party,all-parties' });
    const url = new URL(sent[0].url);
    expect([url.searchParams.get('disputed'), url.searchParams.get('level')]).toEqual(['false', 'one-party,all-parties']);
  });

  it('sends q, the text searched in ids, titles, parties and names (contract §7.6)', async () => {
    const { fetch, sent } = scripted(new Response(JSON.stringify({ items: [], nextCursor: null }), { status: 200, headers: { 'content-type': 'application/json' } }));
    await new NewsledgerClient({ queryUrl: 'http://127.0.0.1:3001', fetch }).list('negotiation', { q: 'Vatican talks' });
    expect(new URL(sent[0].url).searchParams.get('q')).toBe('Vatican talks');
  });
});

describe('NewsledgerClient: explanations', () => {
  it('asks for the explanation of a subject, with its point in time', async () => {
    const body = { subject: 'exchange/ua-ru-1', facts: [] };
    const { fetch, sent } = scripted(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }));
    const answer = await new NewsledgerClient({ queryUrl: 'http://127.0.0.1:3001', fetch }).explain('exchange/ua-ru-1', { asOf: '2025-05-23T10:00:00Z' });
    expect(answer).toEqual(body);
    expect(sent[0].url).toBe('http://127.0.0.1:3001/v1/exchanges/ua-ru-1/explain?asOf=2025-05-23T10%3A00%3A00Z');
  });
});

describe('NewsledgerClient: recording', () => {
  it('gives a report without an id one, and sends the same id on every retry', async () => {
    const { fetch, sent } = scripted(refused(), json(503, { error: 'log_unavailable', message: 'Kafka is down' }, { 'retry-after': '0' }), (s) =>
      json(202, { eventId: (s.body as { id: string }).id, subject: 'exchange/ua-ru-1', partition: 0, offset: '7', duplicate: false }),
    );
    const retries: RetryInfo[] = [];
    const result = await clientWith(fetch, retries).record(report());
    expect(sent.map((s) => [s.method, s.url])).toEqual(Array(3).fill(['POST', 'http://ingest.test/v1/reports']));
    const ids = sent.map((s) => (s.body as { id: string }).id);
    expect(new Set(ids).size).toBe(1);
    expect(result).toEqual({ eventId: ids[0], subject: 'exchange/ua-ru-1', partition: 0, offset: '7', duplicate: false });
    expect(sent[0].headers).toMatchObject({ authorization: 'Bearer k', 'content-type': 'application/json' });
    expect(retries.map((r) => [r.attempt, r.error.code])).toEqual([[1, 'unreachable'], [2, 'log_unavailable']]);
    expect(retries[1].delayMs).toBe(0);
  });

  it('takes "duplicate" after a lost answer as success', async () => {
    const { fetch } = scripted(new Error('socket hang up'), json(200, { eventId: 'r1', subject: 'exchange/ua-ru-1', partition: 0, offset: '7', duplicate: true }));
    await expect(clientWith(fetch).record(report('r1'))).resolves.toMatchObject({ eventId: 'r1', duplicate: true });
  });

  it('honours Retry-After on 429', async () => {
    const retries: RetryInfo[] = [];
    const { fetch } = scripted(json(429, { error: 'rate_limited', message: 'slow down' }, { 'retry-after': '0' }), json(202, { eventId: 'r1', duplicate: false }));
    await clientWith(fetch, retries).record(report('r1'));
    expect(retries).toEqual([expect.objectContaining({ attempt: 1, delayMs: 0, error: expect.objectContaining({ code: 'rate_limited', status: 429, retryAfterMs: 0 }) })]);
  });

  it('throws the contract error at once for an answer retrying cannot change', async () => {
    const details = [{ path: 'data.parties', message: 'required' }];
    const { fetch, sent } = scripted(json(400, { error: 'invalid_report', message: 'fix the fields listed in details', details }));
    const e = (await clientWith(fetch).record(report('r1')).catch((x: unknown) => x)) as NewsledgerError;
    expect(e).toBeInstanceOf(NewsledgerError);
    expect(e).toMatchObject({ code: 'invalid_report', status: 400, details, attempts: 1, message: 'fix the fields listed in details' });
    expect(sent).toHaveLength(1);
  });

  it('gives up after the last attempt with the last error and the number of attempts', async () => {
    const { fetch, sent } = scripted(refused(), refused(), refused(), refused());
    await expect(clientWith(fetch).record(report('r1'))).rejects.toMatchObject({ code: 'unreachable', status: null, attempts: 4, message: expect.stringContaining('ECONNREFUSED') });
    expect(sent).toHaveLength(4);
  });

  it('names an answer that is not the contract JSON', async () => {
    const { fetch } = scripted(new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(clientWith(fetch).record(report('r1'))).rejects.toMatchObject({ code: 'invalid_response', status: 502 });
  });

  it('stops retrying when the caller aborts', async () => {
    const abort = new AbortController();
    const { fetch } = scripted(() => {
      abort.abort(new Error('enough'));
      return refused();
    });
    await expect(clientWith(fetch).record(report('r1'), { signal: abort.signal })).rejects.toThrow('enough');
  });
});

describe('NewsledgerClient: batches', () => {
  it('sends again only the lines the log did not take, and reports every line by its place in the input', async () => {
    const retries: RetryInfo[] = [];
    const ok = (line: number, id: string, status = 'accepted') => ({ line, status, eventId: id, subject: 'exchange/ua-ru-1', partition: 0, offset: '1' });
    const { fetch, sent } = scripted(
      json(503, {
        accepted: 1, duplicates: 0, rejected: 1, failed: 2,
        results: [
          ok(1, 'a'),
          { line: 2, status: 'failed', error: 'log_unavailable', message: 'retry this line' },
          { line: 3, status: 'rejected', error: 'invalid_report', message: 'bad', details: [{ path: 'type', message: 'unknown' }] },
          { line: 4, status: 'failed', error: 'log_unavailable', message: 'retry this line' },
        ],
      }, { 'retry-after': '0' }),
      refused(),
      json(200, { accepted: 1, duplicates: 1, rejected: 0, failed: 0, results: [ok(1, 'b', 'duplicate'), ok(2, 'd')] }),
    );
    const result = await clientWith(fetch, retries).recordBatch([report('a'), report('b'), report('c'), report('d')]);
    expect(sent.map((s) => (s.body as { id: string }[]).map((r) => r.id))).toEqual([['a', 'b', 'c', 'd'], ['b', 'd'], ['b', 'd']]);
    expect(result).toMatchObject({ accepted: 2, duplicates: 1, rejected: 1, failed: 0 });
    expect(result.results.map((r) => [r.line, r.status])).toEqual([[1, 'accepted'], [2, 'duplicate'], [3, 'rejected'], [4, 'accepted']]);
    expect(retries.map((r) => r.error.code)).toEqual(['log_unavailable', 'unreachable']);
  });

  it('leaves lines failed when the retries run out, rather than losing what landed', async () => {
    const failed = { line: 1, status: 'failed', error: 'log_unavailable', message: 'retry' };
    const { fetch } = scripted(...Array.from({ length: 4 }, () => json(503, { accepted: 0, duplicates: 0, rejected: 0, failed: 1, results: [failed] })));
    const result = await clientWith(fetch).recordBatch([report('a')]);
    expect(result).toMatchObject({ accepted: 0, failed: 1, results: [{ line: 1, status: 'failed' }] });
  });
});

describe('NewsledgerClient: reads', () => {
  it('lists with filters and pages through every view', async () => {
    const { fetch, sent } = scripted(json(200, { items: [{ subject: 'exchange/a' }], nextCursor: 'c1' }), json(200, { items: [{ subject: 'exchange/b' }], nextCursor: null }));
    const seen: string[] = [];
    for await (const v of clientWith(fetch).listAll('exchange', { party: 'UA', updatedSince: new Date('2025-05-01T00:00:00Z'), limit: 1 })) seen.push(v.subject);
    expect(seen).toEqual(['exchange/a', 'exchange/b']);
    expect(sent.map((s) => s.url)).toEqual([
      'http://query.test/v1/exchanges?party=UA&updatedSince=2025-05-01T00%3A00%3A00.000Z&limit=1',
      'http://query.test/v1/exchanges?party=UA&cursor=c1&updatedSince=2025-05-01T00%3A00%3A00.000Z&limit=1',
    ]);
  });

  it('reads a view at a point in time, and a history', async () => {
    const { fetch, sent } = scripted(json(200, { subject: 'negotiation/talks', kind: 'negotiation' }), json(200, { subject: 'exchange/a', events: [] }));
    const client = clientWith(fetch);
    await client.view('negotiation/talks', { asOf: '2025-05-23T10:00:00Z', validAt: '2025-05' });
    await client.history('exchange/a');
    expect(sent.map((s) => s.url)).toEqual([
      'http://query.test/v1/negotiations/talks?asOf=2025-05-23T10%3A00%3A00Z&validAt=2025-05',
      'http://query.test/v1/exchanges/a/history',
    ]);
  });

  it('says which URL is missing, and refuses what is not a subject', async () => {
    const client = new NewsledgerClient({ queryUrl: 'http://query.test', fetch: scripted().fetch });
    await expect(client.record(report('a'))).rejects.toThrow('pass ingestUrl');
    await expect(client.view('treaty/x' as 'exchange/x')).rejects.toThrow(TypeError);
  });

  it('sends a read the database stopped (503 query_timeout) once more, not as often as an outage', async () => {
    const timedOut = () => json(503, { error: 'query_timeout', message: 'PostgreSQL stopped this request' }, { 'retry-after': '0' });
    const { fetch, sent } = scripted(timedOut(), timedOut(), timedOut(), timedOut());
    await expect(clientWith(fetch).view('exchange/a')).rejects.toMatchObject({ code: 'query_timeout', status: 503, attempts: 2 });
    expect(sent).toHaveLength(2);
  });

  it('retries a read on 503, and throws not_found as the API says it', async () => {
    const { fetch } = scripted(json(503, { error: 'unavailable', message: 'db' }), json(404, { error: 'not_found', message: 'nothing has been recorded about exchange/a' }));
    await expect(clientWith(fetch).view('exchange/a')).rejects.toMatchObject({ code: 'not_found', status: 404, attempts: 2 });
  });
});

describe('NewsledgerClient: the feed', () => {
  const enc = new TextEncoder();
  const change = (n: number) => ({ id: `e${n}:status`, subject: 'exchange/a', field: 'status', from: null, to: 'agreed', causedBy: `e${n}`, recordedAt: '2025-05-16T10:00:00.000Z' });
  const frame = (n: number) => `id: ${n}\ndata: ${JSON.stringify(change(n))}\n\n`;

  /**
   * An SSE response that sends `chunks`, then ends, fails like a reset connection, or hangs; like
   * a real fetch's body, it fails when the request's signal aborts.
   */
  function stream(chunks: string[], end: 'end' | 'fail' | 'hang' = 'end') {
    return (_: Sent, signal: AbortSignal | undefined) => {
      const queue = [...chunks];
      return new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
          },
          pull(controller) {
            const next = queue.shift();
            if (next !== undefined) return controller.enqueue(enc.encode(next));
            if (end === 'end') controller.close();
            if (end === 'fail') controller.error(new Error('connection reset'));
            // 'hang': nothing more, until aborted
            return new Promise<void>(() => undefined);
          },
        }),
        { status: 200, headers: { 'content-type': 'text/event-stream' } },
      );
    };
  }

  it('yields changes, and after a drop resumes from the last position with Last-Event-ID', async () => {
    const { fetch, sent } = scripted(
      stream(['retry: 1\n: connected\n\n', frame(1), frame(2).slice(0, 10)], 'fail'),
      refused(),
      stream([': connected\n\n', frame(2), frame(3)], 'hang'),
    );
    const opened: (string | undefined)[] = [];
    const reconnects: string[] = [];
    const got: string[] = [];
    const feed = clientWith(fetch).followStatusChanges({
      subject: ['exchange/a', 'exchange/b'],
      field: 'status',
      onOpen: ({ lastEventId }) => opened.push(lastEventId),
      onReconnect: ({ error }) => reconnects.push(error.code),
    });
    for await (const m of feed) {
      got.push(`${m.position}:${m.change.id}`);
      if (got.length === 3) break;
    }
    expect(got).toEqual(['1:e1:status', '2:e2:status', '3:e3:status']);
    expect(sent[0].url).toBe('http://query.test/v1/feed/status-changes?subject=exchange%2Fa&subject=exchange%2Fb&field=status');
    expect(sent.map((s) => s.headers['last-event-id'])).toEqual([undefined, '1', '1']);
    expect(sent[0].headers).toMatchObject({ accept: 'text/event-stream', authorization: 'Bearer k' });
    expect(opened).toEqual([undefined, '1']);
    expect(reconnects).toEqual(['unreachable', 'unreachable']);
  });

  it('reopens a stream that goes silent', async () => {
    const { fetch, sent } = scripted(stream([': connected\n\n'], 'hang'), stream([frame(1)], 'hang'));
    const feed = clientWith(fetch).followStatusChanges({ lastEventId: '0', idleTimeoutMs: 30 });
    for await (const m of feed) {
      expect(m.position).toBe('1');
      break;
    }
    expect(sent.map((s) => s.headers['last-event-id'])).toEqual(['0', '0']);
  });

  it('ends with the contract error when the server refuses the filter', async () => {
    const { fetch } = scripted(json(400, { error: 'invalid_query', message: 'filter the feed with subject, kind and field' }));
    const feed = clientWith(fetch).followStatusChanges({ kind: 'treaty' as 'exchange' });
    await expect(feed.next()).rejects.toMatchObject({ code: 'invalid_query', status: 400 });
  });

  it('ends quietly when aborted', async () => {
    const abort = new AbortController();
    const { fetch } = scripted((sent, signal) => {
      setTimeout(() => abort.abort(), 10);
      return stream([': connected\n\n'], 'hang')(sent, signal);
    });
    const feed = clientWith(fetch).followStatusChanges({ signal: abort.signal });
    await expect(feed.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
