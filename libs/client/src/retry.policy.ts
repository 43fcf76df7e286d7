/** How the client retries a request that failed for a passing reason. */
export interface RetryOptions {
  /** Attempts in all, the first included; 1 turns retrying off. @defaultValue `6` */
  attempts?: number;
  /** Delay before the first retry; each next one doubles, with jitter. @defaultValue `200` */
  baseDelayMs?: number;
  /** Longest wait between two attempts, `Retry-After` included. @defaultValue `30000` */
  maxDelayMs?: number;
}

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 6, baseDelayMs: 200, maxDelayMs: 30_000 });

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  if (!Number.isInteger(p.attempts) || p.attempts < 1) throw new RangeError('retry.attempts must be a whole number of at least 1');
  return p;
}

/**
 * Statuses worth sending again unchanged: the log or a dependency is briefly unavailable (503),
 * or this key went over its rate (429). Everything else is an answer.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 503 || status === 429;
}

/**
 * Attempts in all for a request that failed with `error`. A statement the database stopped
 * (`query_timeout`) held a connection for the API's whole statement timeout: it is sent once more
 * (the lock or load it met may have passed), not as often as a passing outage, so that a query too
 * large for the timeout is not run six times over.
 */
export function attemptsFor(error: { code: string }, policy: RetryPolicy): number {
  return error.code === 'query_timeout' ? Math.min(policy.attempts, 2) : policy.attempts;
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): `Retry-After` when the server
 * gave one, else exponential backoff with jitter (between half and all of `base · 2^(attempt-1)`),
 * so clients refused together do not come back together. Never more than `maxDelayMs`.
 */
export function retryDelay(attempt: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Reads `Retry-After` (seconds, or an HTTP date) as milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
