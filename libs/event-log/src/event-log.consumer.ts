import { Consumer, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { LogBatch, logConsumerConfig, toLogBatch } from './log-batch';
import { PartitionTurns, PartitionTurnsOptions, TurnDecision } from './partition-turns.policy';
import { RestartingConsumer } from './restarting.consumer';

export interface ConsumerHooks {
  /** Applies a batch; must be idempotent by offset (the caller keeps its own checkpoint). */
  onBatch(batch: LogBatch, heartbeat: () => Promise<void>): Promise<void>;
  /** The stored next offset of each partition, where the consumer must resume (absent: from the start). */
  storedOffsets(topic: string, partitions: number[]): Promise<Map<number, string>>;
  /**
   * Whether the log may be applied, asked on every group join before seeking. While it answers
   * false (or fails) nothing is handed to `onBatch` until {@link EventLogConsumer.release}.
   */
  admit?(partitions: number[]): Promise<boolean>;
  log?: (message: string, extra?: Record<string, unknown>) => void;
  /** Told when the consumer stopped on its own and is being started again. */
  warn?: (message: string, extra?: Record<string, unknown>) => void;
}

/**
 * A batch this small is live traffic: after it, the next fetch waits `gatherMs` so that what
 * arrives meanwhile comes in one fetch. A backlog's batches are larger and never wait.
 */
const GATHER_BELOW = 1000;

/**
 * How a backlog is taken when partitions take turns ({@link PartitionTurns}); by default a
 * partition is behind from about one fetch of a backlog, and a turn lasts 5 s.
 */
export type CatchUpOptions = Pick<PartitionTurnsOptions, 'partitions'> &
  Partial<Omit<PartitionTurnsOptions, 'partitions'>> & {
    /** The fetch size of a partition, and so a backlog's batch (default 12 MiB, against 4 MiB without turns). */
    partitionBytes?: number;
  };

const CATCH_UP_DEFAULTS = { behind: 20_000, sliceMs: 5000, partitionBytes: 12 * 1024 * 1024 };

/**
 * A consumer-group member whose checkpoint lives outside Kafka: on every group join it seeks each
 * assigned partition to the stored offset, so Kafka's own committed offsets are only a hint.
 *
 * It keeps consuming whatever the broker does ({@link RestartingConsumer}).
 */
export class EventLogConsumer {
  private kept: RestartingConsumer | undefined;
  private assigned: number[] = [];
  // Set synchronously on a join: batches fetched before `admit` answers must not be applied.
  private held = false;
  private hooks: ConsumerHooks | undefined;
  private appliedListener: ((batch: LogBatch) => void) | undefined;
  /** Set once {@link stop} begins: an admission answered after it resumes nothing (kafkajs would throw). */
  private stopped = false;
  /** Which partitions of a backlog are applied now; absent: all side by side. */
  private readonly turns: PartitionTurns | undefined;
  private readonly catchUp: Required<CatchUpOptions> | undefined;
  /** When each partition last had a batch applied (a turn whose holder has none passes on). */
  private readonly lastBatchAt = new Map<number, number>();
  /** Partitions whose batch is being applied: a long batch is not a holder without batches. */
  private readonly applying = new Set<number>();
  private turnsTimer: NodeJS.Timeout | undefined;
  /** Whether partitions waited for a turn at the last decision (logged when it changes). */
  private turnsQueued = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly opts: {
      maxBytesPerPartition?: number;
      sessionTimeout?: number;
      partitionsConcurrently?: number;
      /**
       * How long the next fetch waits after a small batch ({@link GATHER_BELOW}), so live traffic
       * is applied in fewer, larger batches. A fetch itself is answered as soon as one message is
       * there: an event after a quiet spell is not held, and an idle consumer costs a fetch per
       * 500 ms. Absent or 0: no wait.
       */
      gatherMs?: number;
      /** The waits before a new consumer after a crash kafkajs gave up on (default 1 s, doubling up to 30 s). */
      restartBackoff?: { firstMs: number; maxMs: number };
      /**
       * Partitions that are catching up take turns, a few at a time, the others paused until
       * theirs ({@link PartitionTurns}); each fetch of a partition, and so each batch of a backlog,
       * is then larger in the same memory. Absent or 0 partitions: every partition side by side.
       */
      catchUp?: CatchUpOptions;
    } = {},
  ) {
    if (opts.catchUp?.partitions) {
      this.catchUp = { ...CATCH_UP_DEFAULTS, ...opts.catchUp };
      this.turns = new PartitionTurns(this.catchUp);
    }
  }

  /** The kafkajs consumer running now, if started. */
  private get consumer(): Consumer | undefined {
    return this.kept?.current;
  }

  private newConsumer(restartOnFailure: () => Promise<boolean>): Consumer {
    // kafkajs waits maxWaitTimeInMs on an empty fetch; seek and disconnect wait for it too.
    const config = logConsumerConfig(this.groupId, {
      maxBytesPerPartition: this.opts.maxBytesPerPartition ?? this.catchUp?.partitionBytes,
      sessionTimeout: this.opts.sessionTimeout,
      maxWaitTimeInMs: 500,
    });
    return this.kafka.consumer({ ...config, retry: { ...config.retry, restartOnFailure } });
  }

  async start(hooks: ConsumerHooks): Promise<void> {
    this.hooks = hooks;
    this.kept = new RestartingConsumer({
      make: (restartOnFailure) => this.newConsumer(restartOnFailure),
      run: (c) => this.run(c, hooks),
      backoff: this.opts.restartBackoff,
      // kafkajs has disconnected it (pausing or resuming it would throw); whichever consumer runs
      // next starts with nothing paused, and its group join starts the turns again.
      onCrash: () => this.stopTurns(),
      warn: hooks.warn,
      log: hooks.log,
    });
    await this.kept.start();
  }

  private async run(c: Consumer, hooks: ConsumerHooks): Promise<void> {
    c.on(c.events.GROUP_JOIN, (e) => {
      const assigned = e.payload.memberAssignment[this.topic] ?? [];
      this.assigned = assigned;
      this.resetTurns(c);
      if (!hooks.admit) return void this.seekToStored(hooks, assigned);
      this.held = true;
      void hooks
        .admit(assigned)
        .catch(() => false)
        .then((admitted) => (admitted ? this.release() : this.hold()))
        .catch((e: unknown) => hooks.log?.('could not resume after the group join', { error: String(e) }));
    });
    await c.connect();
    await c.subscribe({ topic: this.topic, fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Batches of one partition always run one after another; of different partitions, side by side.
      partitionsConsumedConcurrently: this.opts.partitionsConcurrently ?? 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary, pause }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        // Unresolved, so fetched again once released (and sought to the stored offsets then).
        if (this.held) return void pause();
        const partition = batch.partition;
        // Unresolved too: fetched again from here when the partition's turn comes.
        if (this.turns && !this.follow(c, this.turns.take(partition, Number(batch.offsetLag()), Date.now()))) return;
        const logBatch = toLogBatch(batch);
        this.applying.add(partition);
        try {
          await hooks.onBatch(logBatch, heartbeat);
        } finally {
          this.applying.delete(partition);
        }
        resolveOffset(batch.lastOffset());
        if (this.turns) {
          const now = Date.now();
          this.lastBatchAt.set(partition, now);
          this.follow(c, this.turns.done(partition, now));
        }
        this.appliedListener?.(logBatch);
        // A hint only: the checkpoint that counts was committed with the views.
        await commitOffsetsIfNecessary().catch(() => undefined);
        // kafkajs fetches again once every batch of this fetch is handled: the wait delays that.
        const gatherMs = this.opts.gatherMs ?? 0;
        if (gatherMs > 0 && logBatch.messages.length < GATHER_BELOW && isRunning()) await sleep(gatherMs);
      },
    });
  }

  /** Pauses and resumes what a turn decision says; returns whether the batch is to be applied. */
  private follow(c: Consumer, turn: TurnDecision): boolean {
    if (turn.pause.length > 0) c.pause([{ topic: this.topic, partitions: turn.pause }]);
    this.resumeTurns(c, turn.resume);
    if (turn.pause.length > 0 || turn.resume.length > 0) this.watchTurns(c);
    // Two lines a backlog: when partitions start waiting, and when none waits any more.
    if (this.turns!.queued !== this.turnsQueued) {
      this.turnsQueued = this.turns!.queued;
      this.hooks?.log?.(
        this.turnsQueued ? `catching up a backlog ${this.catchUp!.partitions} partition(s) at a time; the others wait their turn` : 'no partition waits for a turn any more',
      );
    }
    return turn.apply;
  }

  /** While partitions wait for a turn, a holder that has no batches for too long gives its turn up. */
  private watchTurns(c: Consumer): void {
    if (this.turnsTimer || !this.turns?.queued) return;
    this.turnsTimer = setInterval(() => {
      if (!this.turns?.queued || c !== this.consumer) return this.stopTurnsTimer();
      const now = Date.now();
      try {
        this.resumeTurns(c, this.turns.expire(now, (p) => (this.applying.has(p) ? now : (this.lastBatchAt.get(p) ?? 0))));
      } catch (e) {
        // Disconnected meanwhile: its crash handler has forgotten the turns.
        this.hooks?.log?.('could not resume a partition whose turn came', { error: String(e) });
      }
    }, this.catchUp!.sliceMs).unref();
  }

  /** Resumes partitions whose turn came, unless the consumer is held (its release resumes them all) or stopping. */
  private resumeTurns(c: Consumer, partitions: number[]): void {
    if (partitions.length > 0 && !this.held && !this.stopped) c.resume([{ topic: this.topic, partitions }]);
  }

  private stopTurnsTimer(): void {
    clearInterval(this.turnsTimer);
    this.turnsTimer = undefined;
  }

  /** Forgets every turn and its watch, pausing and resuming nothing. */
  private stopTurns(): void {
    this.stopTurnsTimer();
    this.turns?.reset();
    this.turnsQueued = false;
  }

  /**
   * Forgets every turn on a group join: the partitions paused for one are resumed, assigned or not
   * (kafkajs keeps a partition paused across a rebalance, so one revoked while it waited would stay
   * paused if assigned back), unless the consumer is held, whose release resumes them all.
   */
  private resetTurns(c: Consumer): void {
    this.turnsQueued = false;
    this.resumeTurns(c, this.turns?.reset() ?? []);
  }

  /** Told of every batch `onBatch` has applied (one listener). */
  onApplied(listener: (batch: LogBatch) => void): void {
    this.appliedListener = listener;
  }

  /** Stops handing batches to `onBatch`, from the next batch on, until {@link release}. */
  hold(): void {
    this.held = true;
  }

  /** Seeks the assigned partitions to their stored offsets and hands batches over again. */
  async release(): Promise<void> {
    if (!this.hooks || this.stopped) return;
    const partitions = this.assigned;
    await this.seekToStored(this.hooks, partitions);
    if (this.stopped) return;
    this.held = false;
    // Every partition resumes below: turns start again from the batches that come.
    this.stopTurns();
    if (partitions.length > 0) this.consumer?.resume([{ topic: this.topic, partitions }]);
  }

  private async seekToStored(hooks: ConsumerHooks, partitions: number[]): Promise<void> {
    try {
      const stored = await hooks.storedOffsets(this.topic, partitions);
      for (const partition of partitions) {
        const offset = stored.get(partition);
        if (offset !== undefined) this.consumer?.seek({ topic: this.topic, partition, offset });
      }
      hooks.log?.('resumed from stored offsets', { partitions, stored: Object.fromEntries(stored) });
    } catch (e) {
      hooks.log?.('could not read stored offsets; the checkpoint check still guards every batch', { error: String(e) });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTurnsTimer();
    await this.kept?.stop();
  }
}
