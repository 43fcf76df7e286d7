/** One input's outcome in a {@link GroupCommit.submitAll}: its output, or why its group failed. */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

/** The inputs one caller submitted together, settled one by one as their groups go out. */
class Submission<O> {
  private left: number;
  readonly outcomes: Settled<O>[];

  constructor(size: number, private readonly done: (outcomes: Settled<O>[]) => void) {
    this.left = size;
    this.outcomes = new Array<Settled<O>>(size);
  }

  settle(index: number, outcome: Settled<O>): void {
    this.outcomes[index] = outcome;
    if (--this.left === 0) this.done(this.outcomes);
  }
}

interface Queued<I, O> {
  input: I;
  submission: Submission<O>;
  index: number;
}

/**
 * Groups concurrent calls into one round trip: the first call goes out at once; calls made while
 * a group is in flight wait and go out together as the next group. Under load a group holds
 * everything that arrived during one round trip, so the cost per call (a Kafka request, a
 * PostgreSQL commit and its WAL flush) falls as concurrency rises, with no timer adding latency
 * unless asked (`lingerMs`).
 */
export class GroupCommit<I, O> {
  private queue: Queued<I, O>[] = [];
  private inFlight = false;
  private waitingForIdle: (() => void)[] = [];

  /**
   * @param run sends one group; returns one output per input, in order. A throw fails the whole group.
   * @param maxGroup most inputs per group
   * @param opts.gatherTick when idle, the first call waits for the rest of the current tick
   *   (`setImmediate`), so calls made side by side (the partitions of one fetch) go out together
   * @param opts.isolateFailures when a group of several fails, each input goes out again alone
   *   (side by side), so an input that keeps failing fails its own call only
   * @param opts.lingerMs when idle, the first call waits this long, so the calls of the next few
   *   milliseconds go out with it: for round trips dear enough (a Kafka produce request) that
   *   fewer of them is worth that much latency
   */
  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxGroup = 5000,
    private readonly opts: { gatherTick?: boolean; isolateFailures?: boolean; lingerMs?: number } = {},
  ) {}

  /** Resolves with this input's output once its group has gone out. */
  submit(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.enqueue([input], ([outcome]) => (outcome.ok ? resolve(outcome.value) : reject(outcome.error)));
    });
  }

  /**
   * Submits many inputs at once (they go out in as few groups as `maxGroup` allows, with whatever
   * else is queued) and resolves, once all have gone out, with each one's outcome in order: one
   * promise for a whole batch of requests instead of one per input.
   */
  submitAll(inputs: readonly I[]): Promise<Settled<O>[]> {
    if (inputs.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => this.enqueue(inputs, resolve));
  }

  /** Resolves once nothing is queued or in flight: what was submitted (awaited or not) has gone out. */
  idle(): Promise<void> {
    if (!this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.waitingForIdle.push(resolve));
  }

  private enqueue(inputs: readonly I[], done: (outcomes: Settled<O>[]) => void): void {
    const submission = new Submission<O>(inputs.length, done);
    inputs.forEach((input, index) => this.queue.push({ input, submission, index }));
    if (this.inFlight) return;
    this.inFlight = true;
    if (this.opts.lingerMs) setTimeout(() => void this.flush(), this.opts.lingerMs);
    else if (this.opts.gatherTick) setImmediate(() => void this.flush());
    else void this.flush();
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxGroup);
        try {
          const outputs = await this.run(group.map((g) => g.input));
          group.forEach((g, i) => g.submission.settle(g.index, { ok: true, value: outputs[i] }));
        } catch (error) {
          if (this.opts.isolateFailures && group.length > 1) await Promise.all(group.map((g) => this.runAlone(g)));
          else for (const g of group) g.submission.settle(g.index, { ok: false, error });
        }
      }
    } finally {
      this.inFlight = false;
      for (const resolve of this.waitingForIdle.splice(0)) resolve();
    }
  }

  private async runAlone(g: Queued<I, O>): Promise<void> {
    try {
      g.submission.settle(g.index, { ok: true, value: (await this.run([g.input]))[0] });
    } catch (error) {
      g.submission.settle(g.index, { ok: false, error });
    }
  }
}
