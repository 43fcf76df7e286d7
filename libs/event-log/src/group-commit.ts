/**
 * Groups concurrent calls into one round trip: the first call goes out at once; calls made while
 * a group is in flight wait and go out together as the next group. Under load a group holds
 * everything that arrived during one round trip, so the cost per call (a Kafka request, a
 * PostgreSQL commit and its WAL flush) falls as concurrency rises, with no timer adding latency.
 */
export class GroupCommit<I, O> {
  private queue: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = false;

  /**
   * @param run sends one group; returns one output per input, in order. A throw fails the whole group.
   * @param maxGroup most inputs per group
   * @param opts.gatherTick when idle, the first call waits for the rest of the current tick
   *   (`setImmediate`), so calls made side by side (the partitions of one fetch) go out together
   * @param opts.isolateFailures when a group of several fails, each input goes out again alone
   *   (side by side), so an input that keeps failing fails its own call only
   */
  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxGroup = 5000,
    private readonly opts: { gatherTick?: boolean; isolateFailures?: boolean } = {},
  ) {}

  /** Resolves with this input's output once its group has gone out. */
  submit(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (this.inFlight) return;
      this.inFlight = true;
      if (this.opts.gatherTick) setImmediate(() => void this.flush());
      else void this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxGroup);
        try {
          const outputs = await this.run(group.map((g) => g.input));
          group.forEach((g, i) => g.resolve(outputs[i]));
        } catch (e) {
          if (this.opts.isolateFailures && group.length > 1) await Promise.all(group.map((g) => this.runAlone(g)));
          else for (const g of group) g.reject(e);
        }
      }
    } finally {
      this.inFlight = false;
    }
  }

  private async runAlone(g: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }): Promise<void> {
    try {
      g.resolve((await this.run([g.input]))[0]);
    } catch (e) {
      g.reject(e);
    }
  }
}
