import { Mutex, type MutexInterface } from 'async-mutex';

/**
 * A resource used by one holder at a time, in the order asked (first come, first served). The
 * projector keeps two: its main thread's reducing and its database writes. Batches side by side
 * then overlap one's writes with another's reducing, where each reducing at once and writing at
 * once made them contend for both (two writers cost PostgreSQL a third more CPU an event).
 */
export class SerialTurn {
  private readonly mutex = new Mutex();

  /** Runs `work` in the turn, after the holders asked before. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(work);
  }

  /** A turn taken when first needed (see {@link HeldTurn}). */
  lazily(): HeldTurn {
    return new HeldTurn(this.mutex);
  }
}

/** A turn taken at most once, when first needed, and held until given back. */
export class HeldTurn {
  private taking: Promise<MutexInterface.Releaser> | undefined;
  private given = false;

  constructor(private readonly mutex: Mutex) {}

  /** Waits for the turn, unless already held. */
  async take(): Promise<void> {
    if (this.given) throw new Error('a turn given back cannot be taken again');
    this.taking ??= this.mutex.acquire();
    await this.taking;
  }

  /** Gives the turn back (once it comes, if still waited for); nothing when it was never taken. */
  giveBack(): void {
    if (this.given) return;
    this.given = true;
    void this.taking?.then((release) => release());
  }
}
