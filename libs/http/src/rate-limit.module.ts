import { Inject, Injectable, Module } from '@nestjs/common';
import { keyIdOf } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { createHash } from 'node:crypto';

/** What a request's count says: go on, or wait this many whole seconds. */
export type RateVerdict = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * Fixed windows of `limit` requests per tracker. Windows are kept in the order they started, so
 * ended ones are dropped from the front as new ones start: anyone can add trackers (any header
 * value is one), and they must not pile up.
 */
export class RateCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `tracker`. */
  hit(tracker: string): RateVerdict {
    const now = this.now();
    let w = this.windows.get(tracker);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.delete(tracker);
      w = { start: now, count: 0 };
      this.windows.set(tracker, w);
      this.forgetEnded(now);
    }
    w.count++;
    if (w.count <= this.limit) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) };
  }

  /** How many trackers are remembered. */
  get size(): number {
    return this.windows.size;
  }

  private forgetEnded(now: number): void {
    for (const [tracker, w] of this.windows) {
      if (now - w.start < this.windowMs) break;
      this.windows.delete(tracker);
    }
  }
}

/** Who a request counts against: its key id, else its Authorization header, else its address. */
export function rateTracker(authorization: string | string[] | undefined, address: string | undefined): string {
  const auth = Array.isArray(authorization) ? authorization[0] : authorization;
  if (typeof auth !== 'string' || auth.length === 0) return `ip:${address ?? 'unknown'}`;
  const id = keyIdOf(auth.replace(/^Bearer\s+/i, ''));
  return id ? `key:${id}` : `header:${createHash('sha256').update(auth).digest('base64url')}`;
}

/**
 * Limits requests per API key id (per header without one, per client address without a header).
 * `startHttpApp` counts every request but `/health` in Fastify's `onRequest` stage, before the key
 * is checked and before the body is read, so bad keys are limited too, and guessing secrets for
 * one key id draws on its allowance.
 */
@Injectable()
export class RateLimiter {
  private readonly counter: RateCounter;

  constructor(@Inject(CONFIG) config: NewsledgerConfig) {
    this.counter = new RateCounter(config.http.rateLimit.requests, config.http.rateLimit.windowMs);
  }

  /** Counts a request with these headers from this address. */
  hit(authorization: string | string[] | undefined, address: string | undefined): RateVerdict {
    return this.counter.hit(rateTracker(authorization, address));
  }
}

/** Per-key rate limits (429 with Retry-After), sized by configuration. */
@Module({ providers: [RateLimiter], exports: [RateLimiter] })
export class RateLimitModule {}
