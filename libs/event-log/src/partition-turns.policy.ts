/** What the consumer does with a fetched batch, and which partitions it pauses or resumes first. */
export interface TurnDecision {
  /** false: the batch is left unresolved, to be fetched again when its partition's turn comes */
  apply: boolean;
  pause: number[];
  resume: number[];
}

export interface PartitionTurnsOptions {
  /** How many partitions that are behind are applied at once. */
  partitions: number;
  /** A partition is behind while at least this many messages follow the batch being applied. */
  behind: number;
  /** How long a turn lasts while other partitions wait for one. */
  sliceMs: number;
}

/**
 * Which partitions of a backlog are applied now. Applying every partition that is behind side by
 * side holds a large batch of each in memory at once; taking the backlog a few partitions at a
 * time lets each batch be larger in the same memory, so a subject's row is rewritten once for
 * more of its events.
 *
 * No partition waits for a whole backlog: a turn passes on after `sliceMs` when others wait, and a
 * partition near its end (live traffic) is never held back.
 */
export class PartitionTurns {
  /** The partitions holding a turn, and when they took it. */
  private readonly holders = new Map<number, number>();
  /** Paused partitions, in the order they get a turn. */
  private readonly waiting: number[] = [];

  constructor(private readonly opts: PartitionTurnsOptions) {}

  /** Before a batch of `partition` that leaves `lag` messages after it. */
  take(partition: number, lag: number, now: number): TurnDecision {
    if (lag < this.opts.behind) {
      // Caught up: its turn, if it held one, passes on at once.
      if (!this.holders.delete(partition)) return { apply: true, pause: [], resume: [] };
      return { apply: true, pause: [], resume: this.handOver(now) };
    }
    if (this.holders.has(partition)) return { apply: true, pause: [], resume: [] };
    if (this.holders.size < this.opts.partitions && !this.waiting.includes(partition)) {
      this.holders.set(partition, now);
      return { apply: true, pause: [], resume: [] };
    }
    if (!this.waiting.includes(partition)) this.waiting.push(partition);
    return { apply: false, pause: [partition], resume: [] };
  }

  /** After a batch of `partition` was applied: a turn that has lasted its slice passes on to a waiting partition. */
  done(partition: number, now: number): TurnDecision {
    const since = this.holders.get(partition);
    if (since === undefined || this.waiting.length === 0 || now - since < this.opts.sliceMs) return { apply: true, pause: [], resume: [] };
    this.holders.delete(partition);
    this.waiting.push(partition);
    return { apply: true, pause: [partition], resume: this.handOver(now) };
  }

  /**
   * Turns whose holder has had no batch for two slices (its partition was sought elsewhere, or
   * fetches fail) pass on, so the waiting partitions are never left paused behind it.
   */
  expire(now: number, lastBatchAt: (partition: number) => number): number[] {
    const idle = [...this.holders].filter(([partition, since]) => now - Math.max(since, lastBatchAt(partition)) >= 2 * this.opts.sliceMs);
    if (idle.length === 0) return [];
    for (const [partition] of idle) this.holders.delete(partition);
    return this.handOver(now);
  }

  /** Forgets every turn (a group join, the consumer released): returns the partitions to resume. */
  reset(): number[] {
    const waiting = this.waiting.splice(0);
    this.holders.clear();
    return waiting;
  }

  /** Whether any partition waits for a turn. */
  get queued(): boolean {
    return this.waiting.length > 0;
  }

  private handOver(now: number): number[] {
    const resume: number[] = [];
    while (this.holders.size < this.opts.partitions && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.holders.set(next, now);
      resume.push(next);
    }
    return resume;
  }
}
