import type { ExchangeView, Explanation, NegotiationView, ReportInput, SubjectKind } from '@newsledger/domain';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  AuditJob,
  AuditJobKind,
  BatchLineResult,
  BatchResult,
  FeedMessage,
  FollowOptions,
  History,
  HistoryEntry,
  HistoryOptions,
  ListOptions,
  Page,
  RecordResult,
  Subject,
  ViewOf,
  ViewOptions,
} from './api.types';
import { CLIENT_ROUTES, ClientRouteName, routePath } from './client.routes';
import { ApiErrorCode, NewsledgerError } from './newsledger.error';
import { attemptsFor, isRetryableStatus, parseRetryAfter, retryDelay, RetryOptions, RetryPolicy, retryPolicy } from './retry.policy';
import { followFeed } from './status-change.feed';

/** What a retry is about to do, for logging. */
export interface RetryInfo {
  route: ClientRouteName;
  /** The attempt that failed, counting from 1. */
  attempt: number;
  delayMs: number;
  error: NewsledgerError;
}

/**
 * A base URL as given, without trailing slashes. Anything but http(s) with a host is refused at
 * once: `localhost:3001` would otherwise parse as a URL of scheme `localhost:` and every request
 * fail as if the API were down, retried without end.
 * @throws TypeError naming the option and an example
 */
function baseUrl(option: string, url: string | undefined, port: number): string | undefined {
  if (url === undefined) return undefined;
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.host) {
    throw new TypeError(`${option} must be an http or https URL with a host, such as http://127.0.0.1:${port}; got "${url}"`);
  }
  return url.replace(/\/+$/, '');
}

/** Options of {@link NewsledgerClient}. */
export interface NewsledgerClientOptions {
  /** Base URL of the ingest API, e.g. `http://127.0.0.1:3000`; needed by `record` and `recordBatch`. */
  ingestUrl?: string;
  /** Base URL of the query API, e.g. `http://127.0.0.1:3001`; needed by the reads and the feed. */
  queryUrl?: string;
  /** An API key (scope `ingest` to record, `read` to read and follow). */
  key?: string;
  /** Retries on 503, 429 and network failures (a `query_timeout` once at most). */
  retry?: RetryOptions;
  /** Longest one attempt of an ordinary request may take (not the feed, which stays open). @defaultValue `30000` */
  timeoutMs?: number;
  /** Called before each retry. */
  onRetry?: (info: RetryInfo) => void;
  /** The fetch to use. @defaultValue the global fetch */
  fetch?: typeof fetch;
}

/** Per-call options. */
export interface CallOptions {
  /** Abandons the call (and its retries); it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

interface Request extends CallOptions {
  params?: Record<string, string>;
  query?: URLSearchParams;
  json?: unknown;
  headers?: Record<string, string>;
}

const JOB_ROUTES = { rebuild: 'getRebuild', verify: 'getVerify' } as const satisfies Record<AuditJobKind, ClientRouteName>;

const KIND_ROUTES = {
  exchange: { list: 'listExchanges', view: 'getExchange', history: 'getExchangeHistory', explain: 'explainExchange' },
  negotiation: { list: 'listNegotiations', view: 'getNegotiation', history: 'getNegotiationHistory', explain: 'explainNegotiation' },
} as const satisfies Record<SubjectKind, Record<string, ClientRouteName>>;

function subjectParts(subject: string): { kind: SubjectKind; id: string } {
  const m = /^(exchange|negotiation)\/(.+)$/.exec(subject);
  if (!m) throw new TypeError(`"${subject}" is not a subject: write exchange/<id> or negotiation/<id>`);
  return { kind: m[1] as SubjectKind, id: m[2] };
}

function instant(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Every report sent carries an id, so sending it again after a lost answer records it once: the
 * server answers `duplicate` for an id it already has.
 */
function withId<T>(report: T): T {
  if (report && typeof report === 'object' && !Array.isArray(report) && (report as { id?: unknown }).id === undefined) {
    return { ...report, id: randomUUID() };
  }
  return report;
}

function isBatchBody(body: unknown): body is Omit<BatchResult, 'results'> & { results: BatchLineResult[] } {
  return typeof body === 'object' && body !== null && Array.isArray((body as { results?: unknown }).results);
}

/**
 * A typed client of the newsledger ingest and query APIs, for ingestors and subscribers.
 *
 * Requests that fail for a passing reason (503, 429, no answer) are retried with exponential
 * backoff, honouring `Retry-After`. That is safe for reports because each carries an id (one is
 * added when missing): a report whose first send landed although its answer was lost comes back
 * as `duplicate`, which counts as success. Every other failure is a {@link NewsledgerError}.
 *
 * @example
 * const client = new NewsledgerClient({ ingestUrl: 'http://127.0.0.1:3000', queryUrl: 'http://127.0.0.1:3001', key });
 * await client.record({ id: 'swap-agreed', type: 'exchange.agreed', subject: 'exchange/ua-ru-2025-05-1000', … });
 * const view = await client.view('exchange/ua-ru-2025-05-1000', { asOf: '2025-05-23T10:00:00Z' });
 * for await (const { position, change } of client.followStatusChanges({ kind: 'exchange' })) …
 */
export class NewsledgerClient {
  private readonly bases: Record<'ingest' | 'query', string | undefined>;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: NewsledgerClientOptions = {}) {
    this.bases = { ingest: baseUrl('ingestUrl', options.ingestUrl, 3000), query: baseUrl('queryUrl', options.queryUrl, 3001) };
    this.retry = retryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /**
   * Records one report (`POST /v1/reports`). Resolves with `duplicate: true` when its id was
   * already recorded, by an earlier call or by a retry whose first send landed.
   * @throws NewsledgerError `invalid_report` (see `details`), `unknown_event`, `id_conflict` (the id was used for another report), …
   */
  async record(report: ReportInput, options: CallOptions = {}): Promise<RecordResult> {
    const answer = await this.send('recordReport', { ...options, json: withId(report) });
    return answer.body as RecordResult;
  }

  /**
   * Records many reports in one request (`POST /v1/reports/batch`, at most 10,000). Each stands or
   * falls alone: a bad one is `rejected` with its reason and does not stop the others. Lines the
   * log could not take are sent again (alone) until they land or the retries run out; what is still
   * `failed` then can be sent again later, safely, with the same ids.
   *
   * The reports of one request may be appended in any order; send a report that must follow
   * another (a retraction) in a later call.
   */
  async recordBatch(reports: readonly ReportInput[], options: CallOptions = {}): Promise<BatchResult> {
    const bodies = reports.map(withId);
    const results: BatchLineResult[] = [];
    let pending = bodies.map((_, index) => index);
    for (let round = 1; pending.length > 0; round++) {
      const sent = pending;
      let answer: Answer;
      try {
        answer = await this.send('recordBatch', { ...options, json: sent.map((i) => bodies[i]) }, (a) => a.status === 200 || (a.status === 503 && isBatchBody(a.body)));
      } catch (e) {
        // Once some lines are in, the caller needs the outcome of each more than this error.
        if (round === 1 || !(e instanceof NewsledgerError)) throw e;
        for (const i of sent) results[i] = { line: i + 1, status: 'failed', error: e.code, message: e.message };
        break;
      }
      if (!isBatchBody(answer.body)) throw this.errorOf('recordBatch', answer);
      for (const r of answer.body.results) results[sent[r.line - 1]] = { ...r, line: sent[r.line - 1] + 1 };
      pending = sent.filter((i) => results[i]?.status === 'failed');
      if (pending.length === 0 || round >= this.retry.attempts) break;
      const first = results[pending[0]] as { error: string; message: string };
      const error = new NewsledgerError({ code: first.error as ApiErrorCode, message: `${pending.length} of ${sent.length} reports not appended: ${first.message}`, status: answer.status, retryAfterMs: parseRetryAfter(answer.headers.get('retry-after')) });
      await this.pause('recordBatch', round, error, options.signal);
    }
    return {
      accepted: results.filter((r) => r.status === 'accepted').length,
      duplicates: results.filter((r) => r.status === 'duplicate').length,
      rejected: results.filter((r) => r.status === 'rejected').length,
      failed: results.filter((r) => r.status === 'failed').length,
      results,
    };
  }

  /** One page of views of a kind (`GET /v1/exchanges`, `GET /v1/negotiations`), most recently updated first. */
  list(kind: 'exchange', options?: ListOptions & CallOptions): Promise<Page<ExchangeView>>;
  list(kind: 'negotiation', options?: ListOptions & CallOptions): Promise<Page<NegotiationView>>;
  async list(kind: SubjectKind, options: ListOptions & CallOptions = {}): Promise<Page<ExchangeView | NegotiationView>> {
    const query = new URLSearchParams();
    for (const name of ['status', 'reportedStatus', 'party', 'level', 'q', 'cursor'] as const) if (options[name] !== undefined) query.set(name, options[name]);
    if (options.disputed !== undefined) query.set('disputed', String(options.disputed));
    if (options.updatedSince !== undefined) query.set('updatedSince', instant(options.updatedSince));
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    const answer = await this.send(KIND_ROUTES[kind].list, { signal: options.signal, query });
    return answer.body as Page<ExchangeView | NegotiationView>;
  }

  /** Every view of a kind that matches, page after page. */
  listAll(kind: 'exchange', options?: Omit<ListOptions, 'cursor'> & CallOptions): AsyncGenerator<ExchangeView, void, undefined>;
  listAll(kind: 'negotiation', options?: Omit<ListOptions, 'cursor'> & CallOptions): AsyncGenerator<NegotiationView, void, undefined>;
  async *listAll(kind: SubjectKind, options: Omit<ListOptions, 'cursor'> & CallOptions = {}): AsyncGenerator<ExchangeView | NegotiationView, void, undefined> {
    let cursor: string | undefined;
    do {
      const page: Page<ExchangeView | NegotiationView> = await this.list(kind as 'exchange', { ...options, cursor });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /**
   * The view of a subject (`GET /v1/{exchanges|negotiations}/:id`); with `asOf` and/or `validAt`,
   * as it stood then, replayed.
   * @throws NewsledgerError `not_found` when nothing about the subject is on record (by then)
   */
  async view<S extends Subject>(subject: S, options: ViewOptions & CallOptions = {}): Promise<ViewOf<S>> {
    const { kind, id } = subjectParts(subject);
    const query = new URLSearchParams();
    if (options.asOf !== undefined) query.set('asOf', instant(options.asOf));
    if (options.validAt !== undefined) query.set('validAt', options.validAt);
    const answer = await this.send(KIND_ROUTES[kind].view, { signal: options.signal, params: { id }, query });
    return answer.body as ViewOf<S>;
  }

  /**
   * Why a view reads as it does (`GET /v1/{exchanges|negotiations}/:id/explain`, contract §7.4):
   * each fact with a sentence naming its sources and the reports behind it, now or then.
   * @throws NewsledgerError `not_found` when nothing about the subject is on record (by then)
   */
  async explain(subject: Subject, options: ViewOptions & CallOptions = {}): Promise<Explanation> {
    const { kind, id } = subjectParts(subject);
    const query = new URLSearchParams();
    if (options.asOf !== undefined) query.set('asOf', instant(options.asOf));
    if (options.validAt !== undefined) query.set('validAt', options.validAt);
    const answer = await this.send(KIND_ROUTES[kind].explain, { signal: options.signal, params: { id }, query });
    return answer.body as Explanation;
  }

  /**
   * The events of a subject in log order, retracted ones marked (`GET /v1/{exchanges|negotiations}/:id/history`):
   * every one, or with `limit` one page, whose `nextCursor` is the `cursor` of the next.
   * @throws NewsledgerError `not_found`
   */
  async history(subject: Subject, options: HistoryOptions & CallOptions = {}): Promise<History> {
    const { kind, id } = subjectParts(subject);
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.cursor !== undefined) query.set('cursor', options.cursor);
    const answer = await this.send(KIND_ROUTES[kind].history, { signal: options.signal, params: { id }, query });
    return answer.body as History;
  }

  /**
   * Every event of a subject in log order, fetched page after page (`pageSize` each), so a long
   * history never has to fit in one answer.
   * @throws NewsledgerError `not_found`
   */
  async *historyAll(subject: Subject, options: { pageSize?: number } & CallOptions = {}): AsyncGenerator<HistoryEntry, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.history(subject, { limit: options.pageSize ?? 500, cursor, signal: options.signal });
      yield* page.events;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /**
   * Follows the status-change feed (`GET /v1/feed/status-changes`, Server-Sent Events) as an
   * async iterator that reconnects by itself, resuming after the last position it yielded. Keep a
   * message's `position` to resume from it in another process (`lastEventId`).
   *
   * @example
   * for await (const { position, change } of client.followStatusChanges({ subject: 'exchange/ua-ru-2025-05-1000', lastEventId: saved })) {
   *   console.log(change.field, change.from, '→', change.to);
   *   saved = position;
   * }
   */
  followStatusChanges(options: FollowOptions = {}): AsyncGenerator<FeedMessage, void, undefined> {
    const query = new URLSearchParams();
    for (const name of ['subject', 'kind', 'field'] as const) {
      const value = options[name];
      for (const v of typeof value === 'string' ? [value] : (value ?? [])) query.append(name, v);
    }
    return followFeed(
      {
        url: this.url('followStatusChanges', {}, query),
        headers: this.headers(),
        fetch: this.fetch,
        retry: this.retry,
        errorOf: (status, headers, text) => this.errorOf('followStatusChanges', { status, headers, body: parseJson(text) }),
      },
      options,
    );
  }

  /**
   * Asks for a rebuild of every view (`POST /v1/admin/rebuild`, scope `audit`), recorded as a job
   * that a projector runs; follow it with {@link awaitAuditJob}. Its retries carry the first send's
   * `Idempotency-Key`, so one whose first send was recorded answers that job.
   * @throws NewsledgerError `rebuild_running` (another rebuild is under way: its id is in `details`)
   */
  async startRebuild(options: { abortOnDifference?: boolean } & CallOptions = {}): Promise<AuditJob> {
    const json = options.abortOnDifference === undefined ? undefined : { abortOnDifference: options.abortOnDifference };
    return (await this.send('startRebuild', { signal: options.signal, json, headers: { 'idempotency-key': randomUUID() } })).body as AuditJob;
  }

  /**
   * Asks for a verification of every view against the log (`POST /v1/admin/verify` with
   * `Prefer: respond-async`, scope `audit`), recorded as a job; its report is the job's `report`.
   * Its retries carry the first send's `Idempotency-Key`, as {@link startRebuild}'s do.
   */
  async startVerify(options: { limit?: number } & CallOptions = {}): Promise<AuditJob> {
    const query = new URLSearchParams(options.limit === undefined ? {} : { limit: String(options.limit) });
    return (await this.send('startVerify', { signal: options.signal, query, headers: { prefer: 'respond-async', 'idempotency-key': randomUUID() } })).body as AuditJob;
  }

  /** A job as it stands now. @throws NewsledgerError `rebuild_not_found`, `verify_not_found` */
  async auditJob(kind: AuditJobKind, id: string, options: CallOptions = {}): Promise<AuditJob> {
    return (await this.send(JOB_ROUTES[kind], { ...options, params: { id } })).body as AuditJob;
  }

  /** Reads a job every `pollMs` (default 500) until it ends, `done` or `failed`, and resolves with it. */
  async awaitAuditJob(job: Pick<AuditJob, 'kind' | 'id'>, options: { pollMs?: number; onProgress?: (job: AuditJob) => void } & CallOptions = {}): Promise<AuditJob> {
    for (;;) {
      const now = await this.auditJob(job.kind, job.id, options);
      options.onProgress?.(now);
      if (now.status !== 'running') return now;
      await sleep(options.pollMs ?? 500, undefined, { signal: options.signal });
    }
  }

  private url(name: ClientRouteName, params: Record<string, string> = {}, query?: URLSearchParams): string {
    const route = CLIENT_ROUTES[name];
    const base = this.bases[route.api];
    if (!base) throw new TypeError(`${route.method} ${route.path} is served by the ${route.api} API: pass ${route.api}Url to the client`);
    return `${base}${routePath(route, params)}${query && query.size > 0 ? `?${query}` : ''}`;
  }

  private headers(): Record<string, string> {
    return this.options.key ? { authorization: `Bearer ${this.options.key}` } : {};
  }

  /**
   * Sends a request until it is answered as `accepted` (by default, any 2xx), retrying what is
   * worth retrying.
   */
  private async send(name: ClientRouteName, req: Request, accepted: (a: Answer) => boolean = (a) => a.status >= 200 && a.status < 300): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.attempt(name, req);
      let error: NewsledgerError;
      if (answer instanceof NewsledgerError) error = answer;
      else if (accepted(answer)) return answer;
      else {
        error = this.errorOf(name, answer);
        if (!isRetryableStatus(answer.status)) throw error.afterAttempts(attempt);
      }
      if (attempt >= attemptsFor(error, this.retry)) throw error.afterAttempts(attempt);
      await this.pause(name, attempt, error, req.signal);
    }
  }

  private async pause(route: ClientRouteName, attempt: number, error: NewsledgerError, signal: AbortSignal | undefined): Promise<void> {
    const delayMs = retryDelay(attempt, this.retry, error.retryAfterMs);
    this.options.onRetry?.({ route, attempt, delayMs, error });
    await sleep(delayMs, undefined, { signal });
  }

  /** One attempt; no answer at all comes back as an `unreachable` error, an abort by the caller is thrown. */
  private async attempt(name: ClientRouteName, req: Request): Promise<Answer | NewsledgerError> {
    const route = CLIENT_ROUTES[name];
    const url = this.url(name, req.params, req.query);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await this.fetch(url, {
        method: route.method,
        headers: { ...this.headers(), accept: 'application/json', ...(req.json !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        signal: req.signal ? AbortSignal.any([req.signal, timeout]) : timeout,
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: parseJson(text) };
    } catch (e) {
      if (req.signal?.aborted) throw req.signal.reason;
      const why = timeout.aborted ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(e);
      return new NewsledgerError({ code: 'unreachable', message: `${route.method} ${url}: ${why}`, status: null, cause: e });
    }
  }

  private errorOf(name: ClientRouteName, a: Answer): NewsledgerError {
    const route = CLIENT_ROUTES[name];
    const retryAfterMs = parseRetryAfter(a.headers.get('retry-after'));
    const b = a.body as { error?: unknown; message?: unknown; details?: unknown; errorId?: unknown } | undefined;
    if (b && typeof b === 'object' && typeof b.error === 'string') {
      return new NewsledgerError({
        // A code this client does not know yet (a newer server) is passed through as sent.
        code: b.error as ApiErrorCode,
        message: typeof b.message === 'string' ? b.message : `${route.method} ${route.path} answered ${a.status}`,
        status: a.status,
        details: Array.isArray(b.details) ? b.details : undefined,
        errorId: typeof b.errorId === 'string' ? b.errorId : undefined,
        retryAfterMs,
      });
    }
    return new NewsledgerError({
      code: 'invalid_response',
      message: `${route.method} ${route.path} answered ${a.status} without the API's JSON${typeof a.body === 'string' && a.body ? `: ${a.body.slice(0, 200)}` : ''}`,
      status: a.status,
      retryAfterMs,
    });
  }
}

/** The body as JSON when it is JSON, else its text (undefined when empty). */
function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, …). */
function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (e as Error)?.message ?? String(e);
}
