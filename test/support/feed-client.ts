import { SseParser } from '@newsledger/client';

/** A change as the feed sends it, with the SSE id it came with. */
export interface FeedEvent {
  position: string;
  change: {
    id: string; subject: string; field: string; from: string | null; to: string | null; causedBy: string; recordedAt: string; retractionOf?: string;
    /** Contract §7.4; a dispute's `from`/`to` are lists of numbers. */
    cause?: { eventId: string; type: string; confirmation: string; source: { name: string; kind: string } }; level?: string | null; reason?: string; stage?: string; fact?: string;
  };
}

/** An open SSE stream of the status-change feed, recording what it receives. */
export interface FeedStream {
  events: FeedEvent[];
  comments: string[];
  /** resolves once the server has subscribed the stream (its first comment) */
  opened: Promise<void>;
  /** resolves when the stream ends, whoever ended it */
  ended: Promise<void>;
  close(): void;
}

/**
 * Opens `GET /v1/feed/status-changes` with `query` and, optionally, a Last-Event-ID header.
 * With `closeAfter`, the stream is closed on its n-th change, and what came with it is dropped:
 * a client gone right there, whatever burst the server sent. Rejects with the status and body
 * when the server refuses.
 */
export async function openFeed(baseUrl: string, key: string | undefined, query = '', lastEventId?: string, opts: { closeAfter?: number } = {}): Promise<FeedStream> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/v1/feed/status-changes${query ? `?${query}` : ''}`, {
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) },
    signal: abort.signal,
  });
  if (res.status !== 200 || !res.body) throw Object.assign(new Error(`feed answered ${res.status}: ${await res.text()}`), { status: res.status });
  const events: FeedEvent[] = [];
  const comments: string[] = [];
  let markOpened: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (markOpened = resolve));
  const parser = new SseParser(
    (e) => {
      if (opts.closeAfter !== undefined && events.length >= opts.closeAfter) return;
      events.push({ position: e.id ?? '', change: JSON.parse(e.data) as FeedEvent['change'] });
      if (events.length === opts.closeAfter) abort.abort();
    },
    (c) => {
      comments.push(c);
      markOpened();
    },
  );
  const body = res.body as unknown as AsyncIterable<Uint8Array>;
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) parser.push(decoder.decode(chunk, { stream: true }));
    } catch {
      // aborted by close(), or the server went away: either way the stream has ended
    }
  })();
  return { events, comments, opened, ended, close: () => abort.abort() };
}
