import { setTimeout as sleep } from 'node:timers/promises';
import type { FeedChange, FeedMessage, FollowOptions } from './api.types';
import { NewsledgerError } from './newsledger.error';
import { isRetryableStatus, retryDelay, RetryPolicy } from './retry.policy';
import { SseEvent, SseParser } from './sse.parser';

/** What following the feed needs from the client. */
export interface FeedTransport {
  /** The feed URL with its filters. */
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  retry: RetryPolicy;
  errorOf(status: number, headers: Headers, text: string): NewsledgerError;
}

/** The server's own interval between keep-alive comments is 15 s by default: three missed means the stream is dead. */
const DEFAULT_IDLE_TIMEOUT_MS = 45_000;

function parseChange(e: SseEvent): FeedMessage {
  try {
    return { position: e.id ?? '', change: JSON.parse(e.data) as FeedChange };
  } catch (cause) {
    throw new NewsledgerError({ code: 'invalid_response', message: `the feed sent data that is not JSON after position ${e.id ?? '?'}`, status: 200, cause });
  }
}

function unreachable(message: string, cause?: unknown): NewsledgerError {
  return new NewsledgerError({ code: 'unreachable', message, status: null, cause });
}

/**
 * Follows `GET /v1/feed/status-changes` as an async iterator. A dropped, ended or silent stream
 * is reopened with `Last-Event-ID` set to the last position yielded, which the server answers with
 * exactly what was missed, so nothing is skipped or yielded twice. Reconnection waits the server's
 * `retry:` after a stream that had opened, and backs off exponentially while it cannot connect
 * (honouring `Retry-After` on 503/429). An answer that retrying will not change (a bad filter or
 * key) ends the iteration with a {@link NewsledgerError}; aborting `signal`, or leaving the loop,
 * ends it quietly and closes the connection.
 */
export async function* followFeed(t: FeedTransport, o: FollowOptions = {}): AsyncGenerator<FeedMessage, void, undefined> {
  const idleTimeoutMs = o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let lastEventId = o.lastEventId;
  let failures = 0;
  while (!o.signal?.aborted) {
    const connection = new AbortController();
    const stop = () => connection.abort();
    o.signal?.addEventListener('abort', stop, { once: true });
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(unreachable(`the feed sent nothing for ${idleTimeoutMs} ms`)), idleTimeoutMs);
    };
    let opened = false;
    let fatal: NewsledgerError | undefined;
    let error: NewsledgerError;
    let serverRetryMs: number | undefined;
    try {
      touch();
      const res = await t.fetch(t.url, {
        headers: { ...t.headers, accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) },
        signal: connection.signal,
      });
      if (res.status !== 200 || !res.body) {
        error = t.errorOf(res.status, res.headers, await res.text().catch(() => ''));
        if (!isRetryableStatus(res.status)) throw (fatal = error);
      } else {
        const received: SseEvent[] = [];
        const open = () => {
          if (opened) return;
          opened = true;
          failures = 0;
          o.onOpen?.({ lastEventId });
        };
        const parser = new SseParser((e) => received.push(e), open);
        const decoder = new TextDecoder();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          touch();
          parser.push(decoder.decode(chunk, { stream: true }));
          while (received.length > 0) {
            open();
            let message: FeedMessage;
            try {
              message = parseChange(received.shift()!);
            } catch (e) {
              throw (fatal = e as NewsledgerError);
            }
            if (message.position) lastEventId = message.position;
            yield message;
          }
        }
        serverRetryMs = parser.retryMs;
        error = unreachable('the server ended the feed');
      }
    } catch (e) {
      if (fatal) throw fatal;
      if (o.signal?.aborted) return;
      const reason: unknown = connection.signal.reason;
      error = reason instanceof NewsledgerError ? reason : unreachable(`the feed connection failed: ${(e as Error).message ?? String(e)}`, e);
    } finally {
      clearTimeout(idle);
      o.signal?.removeEventListener('abort', stop);
      connection.abort();
    }
    failures += 1;
    const delayMs = opened ? (serverRetryMs ?? t.retry.baseDelayMs) : retryDelay(failures, t.retry, error.retryAfterMs);
    o.onReconnect?.({ error, lastEventId, delayMs, attempt: failures });
    try {
      await sleep(delayMs, undefined, { signal: o.signal });
    } catch {
      return;
    }
  }
}
