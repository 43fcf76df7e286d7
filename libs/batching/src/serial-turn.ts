import { Mutex, type MutexInterface } from 'async-mutex';

/**
 * A resource used by one holder at a time, in the order asked (first come, first served). The
 * projector keeps two, its reducing and its database writes, so that batches side by side overlap
 * one's writes with another's reducing: two reducing at once, or two writing at once, contend.
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

  /**
   * Waits for the turn, unless already held. Always awaited: given back while it waits, it rejects.
   * @throws Error when the turn was given back before it came, or taken after that
   */
  async take(): Promise<void> {
    if (this.given) throw new Error('a turn given back cannot be taken again');
    this.taking ??= this.mutex.acquire();
    await this.taking;
    // Given back while it waited: the turn came only to be passed on.
    if (this.given) throw new Error('the turn was given back before it came');
  }

  /** Gives the turn back (once it comes, if still waited for); nothing when it was never taken. */
  giveBack(): void {
    if (this.given) return;
    this.given = true;
    void this.taking?.then((release) => release());
  }
}
