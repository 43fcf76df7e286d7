/** One Server-Sent Event as dispatched (data lines joined with "\n"). */
export interface SseEvent {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

/**
 * An incremental `text/event-stream` parser (WHATWG rules for `data`, `id`, `event`, `retry` and
 * comments; lines end in LF or CRLF). Feed it decoded chunks as they arrive.
 *
 * The query API serves this very class to its timeline page as an ES module (`export ` + its
 * source), so the page and the client read the feed with one parser. It must therefore stay
 * self-contained: no imports, no helpers outside the class, no parameter properties or field
 * initialisers a compiler might turn into helper calls. The page's asset loader runs it once in an
 * empty context at start-up and refuses to start if it does not parse a stream there.
 */
export class SseParser {
  private buffer: string;
  private data: string[];
  private id: string | undefined;
  private event: string | undefined;
  private readonly onEvent: (e: SseEvent) => void;
  private readonly onComment: (text: string) => void;
  /** The last `id` received, as a browser's EventSource keeps it for reconnecting. */
  lastEventId: string | undefined;
  /** The reconnection delay the server asked for with `retry:`, in milliseconds. */
  retryMs: number | undefined;

  constructor(onEvent: (e: SseEvent) => void, onComment?: (text: string) => void) {
    this.onEvent = onEvent;
    this.onComment = onComment || (() => undefined);
    this.buffer = '';
    this.data = [];
    this.id = undefined;
    this.event = undefined;
    this.lastEventId = undefined;
    this.retryMs = undefined;
  }

  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return this.onComment(line.slice(1).trimStart());
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }

  private dispatch(): void {
    if (this.data.length > 0) this.onEvent({ id: this.id, event: this.event, data: this.data.join('\n') });
    this.data = [];
    this.event = undefined;
    this.id = undefined;
  }
}
