import { ServerResponse } from 'node:http';
import { FeedFilter, matchesFilter } from './feed-filter';
import { FeedChange } from './status-changes-published.event';

/**
 * Frames of a live batch rendered once per filter and shared by every connection with that filter:
 * with many followers the per-connection work is one comparison and one write of a shared buffer.
 */
const rendered = new WeakMap<readonly FeedChange[], Map<string, Buffer>>();

function framesOf(changes: readonly FeedChange[], filter: FeedFilter, key: string): Buffer {
  let byFilter = rendered.get(changes);
  if (!byFilter) rendered.set(changes, (byFilter = new Map()));
  let frames = byFilter.get(key);
  if (!frames) {
    let text = '';
    for (const c of changes) if (matchesFilter(filter, c)) text += c.frame;
    byFilter.set(key, (frames = Buffer.from(text)));
  }
  return frames;
}

/**
 * One SSE client. It starts by buffering live changes while its catch-up is read from PostgreSQL,
 * then sends the buffer and goes live; any change at or below the last position it has passed is
 * dropped, so the switch from catch-up to live has neither gap nor duplicate.
 */
export class FeedConnection {
  private lastSeen = 0;
  private buffered: (readonly FeedChange[])[] | undefined = [];
  /** Bytes of the buffered changes that going live will send: the cut-off counts only these. */
  private bufferedBytes = 0;
  /** The highest position buffered or covered by the catch-up; live changes at or below it will be dropped. */
  private bufferedUpTo = 0;
  private ended = false;
  private readonly filterKey: string;

  constructor(
    private readonly res: ServerResponse,
    readonly filter: FeedFilter,
    private readonly maxBufferedBytes: number,
  ) {
    this.filterKey = JSON.stringify(filter);
  }

  get closed(): boolean {
    return this.ended || this.res.destroyed || this.res.writableEnded;
  }

  /** Live changes from the bus: buffered during catch-up, sent afterwards. */
  receive(changes: readonly FeedChange[]): void {
    if (this.closed) return;
    if (!this.buffered) return this.send(changes);
    this.buffered.push(changes);
    // Frames that will be dropped on going live (another filter's, or what the catch-up covers)
    // are not the client's backlog: counting them would cut off a client that reads, merely
    // because its catch-up is long and other streams are busy.
    for (const c of changes) {
      if (c.seq <= this.bufferedUpTo || c.seq <= this.lastSeen) continue;
      this.bufferedUpTo = c.seq;
      if (matchesFilter(this.filter, c)) this.bufferedBytes += c.frame.length;
    }
    // A catch-up that does not move (a client that stopped reading) must not hold every live
    // batch meanwhile: cut off, the client resumes from its Last-Event-ID.
    if (this.bufferedBytes > this.maxBufferedBytes) this.cutOff();
  }

  /**
   * Says where the catch-up will end (the `position` later given to {@link goLive}), before it
   * starts, so that live changes it covers do not count against the buffer.
   */
  catchingUpTo(position: number): void {
    this.bufferedUpTo = Math.max(this.bufferedUpTo, position);
  }

  /** Sends catch-up changes (already filtered), waiting while the client's socket is full. */
  async catchUp(changes: readonly FeedChange[]): Promise<void> {
    const text = this.frames(changes);
    if (text && !this.res.write(text)) await this.drained();
  }

  /** Ends catch-up: everything up to `position` has been sent or did not match. */
  goLive(position: number): void {
    this.lastSeen = Math.max(this.lastSeen, position);
    const pending = this.buffered ?? [];
    this.buffered = undefined;
    this.bufferedBytes = 0;
    for (const changes of pending) this.send(changes);
  }

  write(text: string | Buffer): void {
    if (this.closed) return;
    this.res.write(text);
    // A client this far behind is cut off rather than buffered without end; it resumes from its
    // Last-Event-ID and catches up from PostgreSQL.
    if (this.res.writableLength > this.maxBufferedBytes) this.cutOff();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.res.writableEnded) this.res.end();
  }

  /** Drops a client that does not keep up, without waiting to flush what it has not read. */
  private cutOff(): void {
    this.end();
    this.buffered = undefined;
    // Destroying also wakes a catch-up waiting for the socket to drain (on 'close').
    this.res.destroy();
  }

  private send(changes: readonly FeedChange[]): void {
    if (changes.length === 0) return;
    // The usual live case: the whole batch is new to this connection.
    if (changes[0].seq > this.lastSeen) {
      this.lastSeen = changes[changes.length - 1].seq;
      const frames = framesOf(changes, this.filter, this.filterKey);
      if (frames.length > 0) this.write(frames);
      return;
    }
    const text = this.frames(changes);
    if (text) this.write(text);
  }

  private frames(changes: readonly FeedChange[]): string {
    let text = '';
    for (const c of changes) {
      if (c.seq <= this.lastSeen) continue;
      this.lastSeen = c.seq;
      if (matchesFilter(this.filter, c)) text += c.frame;
    }
    return text;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }
}
