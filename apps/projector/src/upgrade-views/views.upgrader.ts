import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { STATE_VERSION, summarize, summaryColumns } from '@newsledger/domain';
import { PollLoop, SubjectStateStore } from '@newsledger/persistence';
import { DataSource, EntityManager } from 'typeorm';

/** View rows derived again per transaction: each is one replay from its latest current snapshot. */
const ROWS_PER_ROUND = 200;
const RETRY_MS = 1000;

/**
 * Brings view rows written under another `STATE_VERSION` (an earlier release's rules) up to the
 * current one at start, from the event index the new rules read: the same derivation as a
 * rebuild, without replaying the log, since the index itself does not change between versions.
 * Single views and as-of are right from the first request (they are replayed, and ignore old
 * snapshots); until a row is done, only the list filters may still use its old columns. The
 * projector derives a stale row it touches in its own batch, so the two never disagree.
 */
@Injectable()
export class ViewsUpgrader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('views-upgrade');
  private readonly loop = new PollLoop();
  private readonly states = new SubjectStateStore();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  /** One transaction: up to `limit` stale rows (skipping those a batch holds) derived again. Returns how many. */
  async round(limit = ROWS_PER_ROUND): Promise<number> {
    return this.db.transaction(async (m) => {
      // In the order a rebuild's swap renames them (GENERATION_TABLES), so the two never deadlock.
      await m.query(`LOCK TABLE events IN ACCESS SHARE MODE`);
      await m.query(`LOCK TABLE views IN ROW EXCLUSIVE MODE`);
      await m.query(`LOCK TABLE snapshots IN ACCESS SHARE MODE`);
      const stale: { subject: string; event_count: number }[] = await m.query(
        `SELECT subject, event_count FROM views WHERE ${STALE} ORDER BY subject LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [String(STATE_VERSION), limit],
      );
      if (stale.length === 0) return 0;
      await this.derive(m, stale);
      return stale.length;
    });
  }

  /** Whether any row is still of another version. */
  async pending(): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM views WHERE ${STALE} LIMIT 1`, [String(STATE_VERSION)]);
    return rows.length > 0;
  }

  private async derive(m: EntityManager, stale: readonly { subject: string; event_count: number }[]): Promise<void> {
    // Each up to the event count of its row: the events the row stands for, whatever is indexed meanwhile.
    const loaded = await this.states.load(m, stale.map((r) => r.subject), { upTo: new Map(stale.map((r) => [r.subject, r.event_count])) });
    const rows = [...loaded.values()].map(({ state }) => {
      const summary = summarize(state);
      const c = summaryColumns(summary);
      return { subject: state.subject, status: c.status, reported_status: c.reportedStatus, level: c.level, disputed: c.disputed, parties: c.parties, search: c.search, summary };
    });
    await m.query(
      `UPDATE views v SET status = u.status, reported_status = u.reported_status, level = u.level, disputed = u.disputed,
              parties = ARRAY(SELECT jsonb_array_elements_text(u.parties)), search = u.search, summary = u.summary, state = NULL
       FROM jsonb_to_recordset($1::jsonb) AS u(subject text, status text, reported_status text, level text, disputed boolean, parties jsonb, search text, summary jsonb)
       WHERE v.subject = u.subject`,
      [JSON.stringify(rows)],
    );
  }

  private async run(): Promise<void> {
    let done = 0;
    while (this.loop.running) {
      try {
        const n = await this.round();
        done += n;
        if (n > 0) continue;
        if (!(await this.pending())) break;
      } catch (e) {
        this.logger.warn({ err: (e as Error).message }, 'deriving view rows of an earlier version failed; trying again shortly');
      }
      await this.loop.pause(RETRY_MS);
    }
    if (done > 0) this.logger.log({ rows: done, version: STATE_VERSION }, 'view rows of an earlier version derived again');
  }
}

/** A row whose summary was not written under the current version ($1, as text); rows from before summaries hold `state`. */
const STALE = `(summary IS NULL OR summary->>'version' IS DISTINCT FROM $1)`;
