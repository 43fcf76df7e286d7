import { Consumer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The wait before starting a consumer again after kafkajs gave up on one, doubling up to the maximum while starts fail. */
export const RESTART_BACKOFF = { firstMs: 1000, maxMs: 30_000 };

export interface RestartingConsumerOptions {
  /**
   * Makes a new kafkajs consumer, not yet connected: one for each start. Its config must take
   * `restartOnFailure` as `retry.restartOnFailure`, so kafkajs restarts it itself only while it is
   * the one running: not once stopped (a join cut short by the stop fails as retriable), nor once
   * replaced.
   */
  make: (restartOnFailure: () => Promise<boolean>) => Consumer;
  /**
   * Sets up a consumer `make` made (its own event handlers), connects, subscribes and runs it.
   * Rejecting fails that start; kafkajs reports a failed group join as a crash, not by rejecting.
   */
  run: (consumer: Consumer) => Promise<void>;
  /** The waits before each new consumer after a crash kafkajs gave up on (default 1 s, doubling up to 30 s). */
  backoff?: { firstMs: number; maxMs: number };
  /** Told of every crash of the running consumer, whether kafkajs restarts it itself (`restart`) or not. */
  onCrash?: (consumer: Consumer, restart: boolean) => void;
  /** Told when the consumer stopped on its own and is being started again, and when a new one did not start. */
  warn?: (message: string, extra?: Record<string, unknown>) => void;
  /** Told when a new consumer runs after a restart. */
  log?: (message: string) => void;
}

/** What a user of the rule may set about its restarts: the waits, and where they are told. */
export type RestartReporting = Pick<RestartingConsumerOptions, 'backoff' | 'warn' | 'log'>;

/**
 * One kafkajs consumer kept running whatever the broker does. kafkajs restarts a consumer after a
 * retriable failure itself, but gives up on others (such as no group coordinator found while a
 * restarted broker is still loading, or a group join refused); a new consumer is then made and
 * started, waiting longer after each start that fails, until one runs or {@link stop} is called.
 * The one rule for every long-lived consumer of the project: the projector's, the desks'
 * admission and the status-change tails.
 */
export class RestartingConsumer {
  private consumer: Consumer | undefined;
  /** The restart under way after a crash kafkajs gave up on, if any. */
  private restarting: Promise<void> | undefined;
  /** Consumers kafkajs gave up on. */
  private readonly crashed = new WeakSet<Consumer>();
  /** Aborted by {@link stop}: a restart's wait ends at once. */
  private readonly stopping = new AbortController();

  constructor(private readonly opts: RestartingConsumerOptions) {}

  /** The consumer running now (or being started). */
  get current(): Consumer | undefined {
    return this.consumer;
  }

  /**
   * Starts the first consumer. Rejects when it cannot connect or subscribe: that is the end of
   * this one (disconnected, nothing restarted after), and what to do about a broker that is not
   * there at start is the caller's to say. A first group join given up on is restarted like any
   * later crash.
   */
  async start(): Promise<void> {
    const first = this.made();
    this.consumer = first;
    try {
      await this.runWatched(first);
    } catch (e) {
      await this.stop().catch(() => undefined);
      this.consumer = undefined;
      throw e;
    }
  }

  /** Stops for good: a restart's wait ends, one under way is waited for, and the consumer leaves its group. */
  async stop(): Promise<void> {
    this.stopping.abort();
    // A restart still joining is cut short, not waited out through kafkajs' own retries.
    if (this.restarting) await this.consumer?.disconnect().catch(() => undefined);
    await this.restarting;
    await this.consumer?.disconnect();
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private made(): Consumer {
    const c: Consumer = this.opts.make(async () => !this.stopped && this.consumer === c);
    return c;
  }

  private async runWatched(c: Consumer): Promise<void> {
    c.on(c.events.CRASH, (e) => {
      this.opts.onCrash?.(c, e.payload.restart);
      if (e.payload.restart) return;
      this.crashed.add(c);
      this.restart(c, e.payload.error);
    });
    await this.opts.run(c);
  }

  /** Starts a new consumer after kafkajs gave up on `crashed`, waiting longer after each start that fails. */
  private restart(crashed: Consumer, error: unknown): void {
    // A consumer started by the loop below that crashes is seen by the loop itself.
    if (this.stopped || this.restarting || crashed !== this.consumer) return;
    const { warn, log } = this.opts;
    warn?.('the consumer stopped and kafkajs will not restart it; starting a new one', { error: String(error) });
    const backoff = this.opts.backoff ?? RESTART_BACKOFF;
    this.restarting = (async () => {
      for (let waitMs = backoff.firstMs; ; waitMs = Math.min(waitMs * 2, backoff.maxMs)) {
        try {
          await sleep(waitMs, undefined, { signal: this.stopping.signal });
        } catch {
          return;
        }
        const next = this.made();
        this.consumer = next;
        let failure: Record<string, string> = {};
        try {
          await this.runWatched(next);
          if (!this.crashed.has(next)) {
            log?.('a new consumer started after a restart');
            return;
          }
        } catch (e) {
          failure = { error: String(e) };
          await next.disconnect().catch(() => undefined);
        }
        if (this.stopped) return;
        warn?.('the new consumer did not start; trying again', { ...failure, retryInMs: Math.min(waitMs * 2, backoff.maxMs) });
      }
    })().finally(() => {
      this.restarting = undefined;
      // Given up on again between the loop's last look and now.
      if (this.consumer && this.crashed.has(this.consumer)) this.restart(this.consumer, 'the consumer crashed again');
    });
  }
}
