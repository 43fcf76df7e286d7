import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { STATE_VERSION } from '@newsledger/domain';
import { PollLoop, SubjectStateStore } from '@newsledger/persistence';
import { DataSource } from 'typeorm';

/** Subjects caught up per round: each is one replay from its latest snapshot. */
const SUBJECTS_PER_ROUND = 20;
const IDLE_MS = 1000;

/**
 * Takes the snapshots reads start from (the live view, lists, as-of, retractions): for every
 * subject at least `audit.snapshotEvery` events past its latest snapshot, it replays from there
 * and stores the state at each multiple. Behind the projection rather than in its transaction, so
 * a batch writes bounded rows however long a story grows; snapshots are a cache of the log, and a
 * missing one only makes a read replay more.
 */
@Injectable()
export class SnapshotsTaker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('snapshots');
  private readonly loop = new PollLoop();
  private readonly states = new SubjectStateStore();

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

  /** One round: the subjects furthest behind, caught up. Returns how many snapshots were taken. */
  async round(): Promise<number> {
    const every = this.config.audit.snapshotEvery;
    const due: { subject: string }[] = await this.db.query(
      `SELECT v.subject FROM views v
       LEFT JOIN LATERAL (SELECT max(s.event_count) AS n FROM snapshots s WHERE s.subject = v.subject AND s.state_version = $3) s ON true
       WHERE v.event_count >= $1 AND v.event_count >= COALESCE(s.n, 0) + $1
       ORDER BY v.event_count - COALESCE(s.n, 0) DESC LIMIT $2`,
      // Snapshots of another STATE_VERSION do not count: they are taken again under the current rules.
      [every, SUBJECTS_PER_ROUND, STATE_VERSION],
    );
    let taken = 0;
    for (const { subject } of due) {
      // One transaction per subject: a rebuild's table swap waits for it, so the snapshots it
      // stores are of the generation it read. Its tables are taken in the order the swap renames
      // them (the event index before the snapshots): a round that read the snapshots first would
      // wait for a swap holding the index while the swap waited for it, until PostgreSQL aborted one.
      taken += await this.db.transaction(async (m) => {
        await m.query(`LOCK TABLE events, snapshots IN ACCESS SHARE MODE`);
        return this.states.catchUpSnapshots(m, subject, every);
      });
    }
    return taken;
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
