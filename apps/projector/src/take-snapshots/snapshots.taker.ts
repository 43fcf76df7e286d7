import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { STATE_VERSION } from '@newsledger/domain';
import { PollLoop, SubjectStateStore } from '@newsledger/persistence';
import { DataSource } from 'typeorm';

/** Subjects caught up per round of a sweep: each is one replay from its latest snapshot. */
const SUBJECTS_PER_ROUND = 20;
const IDLE_MS = 1000;
/**
 * How often a round looks over every view instead of the subjects this process's batches moved
 * on: what no batch here announced (one another projector applied before its partition came here)
 * is found within this. A look over every view costs PostgreSQL in proportion to the subjects
 * (~0.1 s for 10,000, every second when it was every round), however few are due.
 */
const SWEEP_MS = 10 * 60_000;

/** Whether a subject moved on from `before` to `after` events passed a multiple of `every`: a snapshot is due there. */
export function passedSnapshotMultiple(before: number, after: number, every: number): boolean {
  return Math.floor(after / every) > Math.floor(before / every);
}

/**
 * Takes the snapshots reads start from (the live view, lists, as-of, retractions): for every
 * subject at least `audit.snapshotEvery` events past its latest snapshot, it replays from there
 * and stores the state at each multiple. Behind the projection rather than in its transaction, so
 * a batch writes bounded rows however long a story grows; snapshots are a cache of the log, and a
 * missing one only makes a read replay more.
 *
 * A round asks about the subjects the projector's batches passed a multiple with ({@link applied});
 * a sweep over every view runs at start, after a failed round, once the view table is another
 * (a rebuild's switch, whoever ran it), and every {@link SWEEP_MS}.
 */
@Injectable()
export class SnapshotsTaker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('snapshots');
  private readonly loop = new PollLoop();
  private readonly states = new SubjectStateStore();
  /** Subjects a committed batch moved past a multiple of `snapshotEvery`, not asked about yet. */
  private readonly passed = new Set<string>();
  /** When the next round looks over every view (0: the next one). */
  private sweepAt = 0;
  /** The view table the last sweep looked over: a switch puts another in its place. */
  private sweptViews: string | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** Told of each committed batch: its view rows (event counts after it) and its events. */
  applied(batch: { views: readonly { subject: string; eventCount: number }[]; events: readonly { subject: string }[] }): void {
    const added = new Map<string, number>();
    for (const e of batch.events) added.set(e.subject, (added.get(e.subject) ?? 0) + 1);
    const every = this.config.audit.snapshotEvery;
    for (const v of batch.views) {
      if (passedSnapshotMultiple(v.eventCount - (added.get(v.subject) ?? 0), v.eventCount, every)) this.passed.add(v.subject);
    }
  }

  /**
   * One round: the subjects furthest behind of a sweep, or every subject announced since the last
   * round, caught up. Returns how many snapshots were taken.
   */
  async round(): Promise<number> {
    try {
      const [{ views }]: { views: string }[] = await this.db.query(`SELECT to_regclass('views')::oid::text AS views`);
      const sweep = Date.now() >= this.sweepAt || views !== this.sweptViews;
      const announced = sweep ? [] : [...this.passed];
      if (!sweep && announced.length === 0) return 0;
      this.passed.clear();
      if (sweep) this.sweptViews = views;
      const taken = await this.catchUp(sweep ? undefined : announced);
      // A sweep goes on while it finds a full round's worth.
      if (sweep) this.sweepAt = taken.due < SUBJECTS_PER_ROUND ? Date.now() + SWEEP_MS : 0;
      return taken.snapshots;
    } catch (e) {
      // What this round was told of is found by the next one, a sweep.
      this.sweepAt = 0;
      throw e;
    }
  }

  /** Catches up the due subjects among `subjects`, or the furthest behind of every view. */
  private async catchUp(subjects: string[] | undefined): Promise<{ due: number; snapshots: number }> {
    const every = this.config.audit.snapshotEvery;
    const behind = `SELECT v.subject FROM views v
       LEFT JOIN LATERAL (SELECT max(s.event_count) AS n FROM snapshots s WHERE s.subject = v.subject AND s.state_version = $2) s ON true
       WHERE v.event_count >= $1 AND v.event_count >= COALESCE(s.n, 0) + $1`;
    // Snapshots of another STATE_VERSION do not count: they are taken again under the current rules.
    const due: { subject: string }[] = subjects
      ? await this.db.query(`${behind} AND v.subject = ANY($3::text[])`, [every, STATE_VERSION, subjects])
      : await this.db.query(`${behind} ORDER BY v.event_count - COALESCE(s.n, 0) DESC LIMIT $3`, [every, STATE_VERSION, SUBJECTS_PER_ROUND]);
    let taken = 0;
    for (const { subject } of due) {
      // One transaction per subject: a rebuild's table swap waits for it, so the snapshots it
      // stores are of the generation it read. Its tables are taken in the order the swap renames
      // them (the event index before the snapshots): a round that read the snapshots first would
      // wait for a swap holding the index while the swap waited for it, until PostgreSQL aborted one.
      const n = await this.db.transaction(async (m) => {
        await m.query(`LOCK TABLE events, snapshots IN ACCESS SHARE MODE`);
        return this.states.catchUpSnapshots(m, subject, every);
      });
      // A replay stores a few snapshots at most: a subject further behind is asked about again.
      if (subjects && n > 0) this.passed.add(subject);
      taken += n;
    }
    return { due: due.length, snapshots: taken };
  }

  private async run(): Promise<void> {
    while (this.loop.running) {
      let taken = 0;
      try {
        taken = await this.round();
        if (taken > 0) this.logger.debug({ taken }, 'snapshots taken');
      } catch (e) {
        this.logger.warn({ err: (e as Error).message }, 'taking snapshots failed; trying again shortly');
      }
      if (taken === 0) await this.loop.pause(IDLE_MS);
    }
  }
}
