import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { tryParseSubject } from '@newsledger/domain';
import { decodeStatusChange, ensureTopics, KAFKA, KafkaClient, TailMessage, TopicTail } from '@newsledger/event-log';
import { setTimeout as sleep } from 'node:timers/promises';
import { sequence } from './feed-sequencer';
import { StatusChangesPublished, FeedChange } from './status-changes-published.event';
import { feedChange, StatusChangesStore } from './status-changes.store';

const GAP_PAGE = 1000;
/** Between attempts to read the feed's position, and to start its consumer. */
const RETRY_MS = 2000;

/**
 * Follows the status-changes topic and republishes it on the EventBus as one gap-free, ordered,
 * duplicate-free stream, starting after the feed's last position when the process started.
 *
 * Kafka is the live path; PostgreSQL fills what Kafka did not bring: a message whose predecessor
 * was not seen triggers a read of the missing positions, and a periodic sweep picks up changes
 * relayed a while ago that never arrived (the consumer was joining, lagging or down).
 */
@Injectable()
export class StatusChangesTail implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('feed');
  private readonly topic: string;
  private tail: TopicTail | undefined;
  private head = 0;
  private started: Promise<void> | undefined;
  private following: Promise<void> | undefined;
  private serial: Promise<void> = Promise.resolve();
  private sweepTimer: NodeJS.Timeout | undefined;
  /** A sweep is in the serial chain: a sweep held up (a lock, a slow server) must not queue others behind it. */
  private sweepQueued = false;
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: KafkaClient,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    private readonly store: StatusChangesStore,
    private readonly bus: EventBus,
  ) {
    this.topic = config.kafka.topics.statusChanges;
  }

  onApplicationBootstrap(): void {
    this.started = this.start();
    this.started.catch((e: unknown) => this.logger.error(`the status-change feed could not start: ${String(e)}`));
  }

  /** Resolves once `position` is meaningful. */
  async ready(): Promise<void> {
    await this.started;
  }

  /** The last position published on the bus. Read it in the same tick as subscribing. */
  get position(): number {
    return this.head;
  }

  private async start(): Promise<void> {
    // Read again until it can be: PostgreSQL away, or the read stopped by the statement timeout.
    for (;;) {
      try {
        this.head = await this.store.lastSeq(this.topic);
        break;
      } catch (e) {
        if (this.stopped) return;
        this.logger.warn(`the status-change feed's position could not be read, trying again: ${String(e)}`);
        await sleep(RETRY_MS);
      }
    }
    if (this.stopped) return;
    this.sweepTimer = setInterval(() => this.queueSweep(), this.config.feed.sweepMs);
    // Not awaited: the API serves (and the sweep delivers) while the consumer joins.
    this.following = this.follow();
  }

  /** Starts the consumer, creating the topic if this process is up first; retries until it runs. */
  private async follow(): Promise<void> {
    while (!this.stopped) {
      const tail = new TopicTail(this.kafka, this.topic);
      this.tail = tail;
      try {
        await ensureTopics(this.kafka, { ...this.config.kafka.topics, eventsPartitions: this.config.kafka.eventsPartitions });
        if (this.stopped) return;
        await tail.start((messages) => this.serialise(() => this.apply(messages)), {
          warn: (message, extra) => this.logger.warn(`status-change consumer: ${message}${extra?.error ? ` (${String(extra.error)})` : ''}`),
          log: (message) => this.logger.log(`status-change consumer: ${message}`),
        });
        // Shut down while the consumer was joining: the stop in onModuleDestroy came too early for it.
        if (this.stopped) await tail.stop().catch(() => undefined);
        return;
      } catch (e) {
        await tail.stop().catch(() => undefined);
        if (this.stopped) return;
        this.logger.warn(`status-change consumer did not start, retrying: ${String(e)}`);
        await sleep(RETRY_MS);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    await this.tail?.stop().catch(() => undefined);
    // A start still under way ends itself on seeing `stopped`; nothing may outlive the module.
    await this.following?.catch(() => undefined);
    await this.serial;
  }

  private serialise(task: () => Promise<void>): Promise<void> {
    const run = this.serial.then(() => (this.stopped ? undefined : task()));
    this.serial = run.catch((e: unknown) => this.logger.warn(`feed: ${String(e)}`));
    return run;
  }

  private async apply(messages: TailMessage[]): Promise<void> {
    let head = this.head;
    const out: FeedChange[] = [];
    for (const m of messages) {
      const d = decodeStatusChange(m.value, m.headers);
      if (!d.ok) {
        this.logger.warn(`skipping offset ${m.offset} of ${this.topic}: ${d.reason}`);
        continue;
      }
      const step = sequence(head, d.at);
      if (step === 'duplicate') continue;
      if (step === 'gap') head = await this.fill(head, d.at.seq - 1, out);
      out.push(feedChange(d.at.seq, tryParseSubject(d.change.subject)?.kind ?? '', d.change));
      head = d.at.seq;
    }
    this.publish(head, out);
  }

  private queueSweep(): void {
    if (this.sweepQueued) return;
    this.sweepQueued = true;
    // Its failure (the query API's statement timeout, PostgreSQL away) is logged by the chain; the next sweep reads again.
    const done = () => (this.sweepQueued = false);
    void this.serialise(() => this.sweep()).then(done, done);
  }

  private async sweep(): Promise<void> {
    const missed = await this.store.relayedBefore(this.topic, this.head, this.config.feed.sweepMs);
    if (missed === undefined) return;
    const out: FeedChange[] = [];
    const head = await this.fill(this.head, missed, out);
    this.logger.warn(`read ${out.length} relayed changes from PostgreSQL that Kafka had not delivered`);
    this.publish(head, out);
  }

  /** Appends the changes in (after, upTo] to `out`; returns the new head. */
  private async fill(after: number, upTo: number, out: FeedChange[]): Promise<number> {
    let head = after;
    for (;;) {
      const page = await this.store.page(this.topic, head, upTo, {}, GAP_PAGE);
      out.push(...page);
      if (page.length > 0) head = page[page.length - 1].seq;
      if (page.length < GAP_PAGE) return Math.max(head, upTo);
    }
  }

  /** Moves the head and publishes in one tick, so a subscriber reading `position` misses nothing. */
  private publish(head: number, out: FeedChange[]): void {
    this.head = head;
    if (out.length > 0) this.bus.publish(new StatusChangesPublished(out));
  }
}
