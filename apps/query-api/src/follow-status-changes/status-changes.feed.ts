import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EventBus, ofType } from '@nestjs/cqrs';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { FastifyReply } from 'fastify';
import { Subscription } from 'rxjs';
import { FeedFilter } from './feed-filter';
import { FeedConnection } from './feed.connection';
import { FeedFanout } from './feed.fanout';
import { SSE_HEARTBEAT, SSE_OPENED } from './sse.format';
import { StatusChangesPublished } from './status-changes-published.event';
import { StatusChangesStore } from './status-changes.store';
import { StatusChangesTail } from './status-changes.tail';

const CATCH_UP_PAGE = 500;

/** The open SSE streams of this process: opening, catch-up, heartbeats and shutdown. */
@Injectable()
export class StatusChangesFeed implements OnModuleDestroy {
  private readonly logger = new Logger('feed');
  private readonly connections = new Set<FeedConnection>();
  private readonly fanout = new FeedFanout<FeedConnection>();
  private readonly heartbeat: NodeJS.Timeout;
  /** One subscription to the bus for every stream: the fan-out picks who gets what. */
  private readonly subscription: Subscription;
  /** Streams still reading their catch-up from PostgreSQL. */
  private catchUps = 0;

  constructor(
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    private readonly bus: EventBus,
    private readonly tail: StatusChangesTail,
    private readonly store: StatusChangesStore,
  ) {
    this.heartbeat = setInterval(() => {
      for (const c of this.connections) c.write(SSE_HEARTBEAT);
    }, config.feed.heartbeatMs);
    this.heartbeat.unref();
    this.subscription = this.bus.pipe(ofType(StatusChangesPublished)).subscribe((e) => this.fanout.publish(e.changes));
  }

  /** Number of open streams. */
  get size(): number {
    return this.connections.size;
  }

  /** Number of open streams still reading their catch-up. */
  get catchingUp(): number {
    return this.catchUps;
  }

  /** The latest position of the feed, at least as far as `known` if it got that far (read from PostgreSQL only then). */
  async latest(known: number): Promise<number> {
    const seen = this.tail.position;
    return known <= seen ? seen : Math.max(seen, await this.store.lastSeq(this.config.kafka.topics.statusChanges));
  }

  /**
   * Streams the feed on `reply`: the changes after `cursor` (from PostgreSQL), then live ones;
   * without a cursor, live ones from now.
   */
  async open(reply: FastifyReply, filter: FeedFilter, cursor: number | undefined): Promise<void> {
    await this.tail.ready();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const conn = new FeedConnection(res, filter, this.config.feed.maxBufferedBytes);
    this.fanout.add(conn);
    // Same tick as joining the fan-out: every change above `head` reaches this connection from the bus.
    const head = this.tail.position;
    const catchUpTo = Math.max(head, cursor ?? 0);
    conn.catchingUpTo(catchUpTo);
    this.connections.add(conn);
    res.on('close', () => {
      this.fanout.delete(conn);
      this.connections.delete(conn);
      conn.end();
    });
    conn.write(SSE_OPENED);
    this.catchUps += 1;
    try {
      let after = cursor ?? head;
      while (after < head && !conn.closed) {
        const page = await this.store.page(this.config.kafka.topics.statusChanges, after, head, filter, CATCH_UP_PAGE);
        await conn.catchUp(page);
        after = page.length < CATCH_UP_PAGE ? head : page[page.length - 1].seq;
      }
      conn.goLive(catchUpTo);
    } catch (e) {
      // The client reconnects with its Last-Event-ID and gets the rest then.
      this.logger.warn(`feed catch-up failed, closing the stream: ${String(e)}`);
      conn.end();
    } finally {
      this.catchUps -= 1;
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    this.subscription.unsubscribe();
    for (const c of this.connections) {
      this.fanout.delete(c);
      c.end();
    }
    this.connections.clear();
  }
}
