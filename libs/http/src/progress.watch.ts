/** Where a reader stands on one partition when sampled. */
export interface ProgressSample {
  /** Its next offset (or checkpoint): moving means progress. */
  position: string;
  /** Messages waiting after it. */
  lag: number;
}

/** A partition that has messages waiting and whose reader has not moved for the watch's period. */
export interface Stall<K> {
  key: K;
  lag: number;
  stalledForMs: number;
}

/**
 * The one rule behind every "stalled" on `/health`: a partition with messages waiting whose
 * reader's position has not moved for `stallAfterMs` is stalled. Fed periodic samples of every
 * partition watched; a partition left out of a sample is forgotten.
 */
export class ProgressWatch<K> {
  private readonly seen = new Map<K, ProgressSample & { movedAt: number }>();

  constructor(private readonly stallAfterMs: number) {}

  sample(samples: ReadonlyMap<K, ProgressSample>, now: number): void {
    for (const key of this.seen.keys()) if (!samples.has(key)) this.seen.delete(key);
    for (const [key, { position, lag }] of samples) {
      const seen = this.seen.get(key);
      if (!seen || seen.position !== position || lag === 0) this.seen.set(key, { position, lag, movedAt: now });
      else seen.lag = lag;
    }
  }

  /** The partitions stalled as of `now`, in the order they were first sampled. */
  stalled(now: number): Stall<K>[] {
    return [...this.seen]
      .filter(([, s]) => s.lag > 0 && now - s.movedAt >= this.stallAfterMs)
      .map(([key, s]) => ({ key, lag: s.lag, stalledForMs: now - s.movedAt }));
  }

  /** The last sample of each partition watched. */
  latest(): Map<K, ProgressSample> {
    return new Map([...this.seen].map(([key, { position, lag }]) => [key, { position, lag }]));
  }
}
