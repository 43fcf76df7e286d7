/**
 * The scaffolding of a background poller over a table (an outbox, a delivery queue): a body that
 * runs while {@link running}, and pauses that {@link wake} cuts short, so a notification is
 * handled now rather than at the next poll, and {@link stop} never waits out a pause.
 */
export class PollLoop {
  private active = false;
  private done: Promise<void> | undefined;
  private resume: (() => void) | undefined;

  /** True from {@link start} until {@link stop}; the body returns once it turns false. */
  get running(): boolean {
    return this.active;
  }

  /** Runs `body` in the background; it should return once {@link running} is false. */
  start(body: () => Promise<void>): void {
    this.active = true;
    this.done = body();
  }

  /** Ends the pause under way and waits for the body to return. */
  async stop(): Promise<void> {
    this.active = false;
    this.wake();
    await this.done;
  }

  /** Ends the pause under way, if any; a wake between pauses is not remembered. */
  wake(): void {
    this.resume?.();
  }

  /** Waits `ms`, or less when woken. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.resume = done;
    });
  }
}
