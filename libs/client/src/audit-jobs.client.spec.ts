import { AuditJob } from './api.types';
import { NewsledgerClient } from './newsledger.client';
import { NewsledgerError } from './newsledger.error';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that answers from a script, one reply per request, and records what was sent. */
function scripted(...replies: Response[]) {
  const sent: Sent[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: String(input),
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const next = replies.shift();
    if (!next) throw new Error(`unexpected request ${String(input)}`);
    return next;
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function job(kind: AuditJob['kind'], status: AuditJob['status'], phase: string, applied: number): AuditJob {
  return {
    id: 'j1', kind, topic: 'newsledger.events', requestedBy: 'auditor', status, phase, progress: { applied, target: 10, percent: applied * 10 },
    worker: 'host:1:ab', attempts: 1, startedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:01.000Z', finishedAt: null,
    report: status === 'done' ? { ok: true } : null, error: null, errorCode: null,
  };
}

describe('NewsledgerClient: rebuild and verify jobs', () => {
  const clientWith = (fetch: typeof globalThis.fetch) => new NewsledgerClient({ queryUrl: 'http://query.test', key: 'k', fetch, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });

  it('asks for a rebuild and a verification as jobs, the verification with Prefer: respond-async', async () => {
    const { fetch, sent } = scripted(json(202, job('rebuild', 'running', 'preparing', 0)), json(202, job('verify', 'running', 'preparing', 0)));
    const client = clientWith(fetch);
    await expect(client.startRebuild({ abortOnDifference: true })).resolves.toMatchObject({ kind: 'rebuild', status: 'running' });
    await expect(client.startVerify({ limit: 5 })).resolves.toMatchObject({ kind: 'verify' });
    expect(sent.map((s) => [s.method, s.url, s.body])).toEqual([
      ['POST', 'http://query.test/v1/admin/rebuild', { abortOnDifference: true }],
      ['POST', 'http://query.test/v1/admin/verify?limit=5', undefined],
    ]);
    expect(sent[1].headers).toMatchObject({ prefer: 'respond-async', authorization: 'Bearer k' });
  });

  it('sends each request for a job with an Idempotency-Key of its own, which its retries keep', async () => {
    const lost = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    };
    const replies: Array<() => Promise<Response>> = [lost, async () => json(202, job('rebuild', 'running', 'preparing', 0)), lost, async () => json(202, job('verify', 'running', 'preparing', 0))];
    const keys: string[] = [];
    const fetch = (async (_input: string | URL | Request, init?: RequestInit) => {
      keys.push((init?.headers as Record<string, string>)['idempotency-key']);
      return replies.shift()!();
    }) as typeof globalThis.fetch;
    const client = clientWith(fetch);
    await expect(client.startRebuild()).resolves.toMatchObject({ kind: 'rebuild' });
    await expect(client.startVerify()).resolves.toMatchObject({ kind: 'verify' });
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect([keys[1], keys[3]]).toEqual([keys[0], keys[2]]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('follows a job until it ends, showing each step, and names a refused rebuild by its code', async () => {
    const { fetch, sent } = scripted(
      json(200, job('verify', 'running', 'replaying', 3)),
      json(200, job('verify', 'running', 'replaying', 7)),
      json(200, job('verify', 'done', 'done', 10)),
      json(409, { error: 'rebuild_running', message: 'rebuild j0 is running', details: [{ rebuildId: 'j0' }] }),
    );
    const client = clientWith(fetch);
    const seen: number[] = [];
    const done = await client.awaitAuditJob({ kind: 'verify', id: 'j1' }, { pollMs: 1, onProgress: (j) => seen.push(j.progress.applied) });
    expect(done).toMatchObject({ status: 'done', report: { ok: true } });
    expect(seen).toEqual([3, 7, 10]);
    expect(sent.map((s) => s.url)).toEqual(Array(3).fill('http://query.test/v1/admin/verify/j1'));
    const refused = await client.startRebuild().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NewsledgerError);
    expect(refused).toMatchObject({ code: 'rebuild_running', status: 409, details: [{ rebuildId: 'j0' }] });
  });
});
