import { DataSource } from 'typeorm';

/** Where a rebuild stands. */
export type RebuildPhase = 'preparing' | 'building' | 'switching' | 'done' | 'failed';

/** A rebuild as the progress endpoint and the CLI show it. */
export interface RebuildStatus {
  id: string;
  topic: string;
  requestedBy: string;
  status: 'running' | 'done' | 'failed';
  phase: RebuildPhase;
  progress: {
    /** Log messages the new generation has applied. */
    applied: number;
    /** Where the live views stand: the position the new generation catches up to. */
    target: number;
    /** `applied / target`, 0–100, one decimal. */
    percent: number;
  };
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** The final report once done. */
  report: unknown;
  error: string | null;
}

interface RebuildRow {
  id: string;
  topic: string;
  requested_by: string;
  status: RebuildStatus['status'];
  phase: RebuildPhase;
  applied: string;
  target: string;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  report: unknown;
  error: string | null;
}

function toStatus(r: RebuildRow): RebuildStatus {
  const applied = Number(r.applied);
  const target = Number(r.target);
  return {
    id: r.id,
    topic: r.topic,
    requestedBy: r.requested_by,
    status: r.status,
    phase: r.phase,
    progress: { applied, target, percent: target === 0 ? (r.status === 'done' ? 100 : 0) : Math.min(100, Math.round((applied / target) * 1000) / 10) },
    startedAt: r.started_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    report: r.report,
    error: r.error,
  };
}

/** The `rebuilds` table: one row per rebuild, its progress while it runs, its report after. */
export class RebuildsStore {
  constructor(private readonly db: DataSource) {}

  async create(id: string, topic: string, requestedBy: string): Promise<void> {
    await this.db.query(`INSERT INTO rebuilds (id, topic, requested_by, status, phase) VALUES ($1, $2, $3, 'running', 'preparing')`, [id, topic, requestedBy]);
  }

  /** Marks rebuilds left `running` by a process that is gone (the caller holds the rebuild lock). */
  async abandonRunning(): Promise<void> {
    await this.db.query(
      `UPDATE rebuilds SET status = 'failed', phase = 'failed', finished_at = now(), updated_at = now(),
         error = 'abandoned: the process running it stopped' WHERE status = 'running'`,
    );
  }

  async progress(id: string, phase: RebuildPhase, applied: number, target: number): Promise<void> {
    await this.db.query(`UPDATE rebuilds SET phase = $2, applied = $3, target = $4, updated_at = now() WHERE id = $1`, [id, phase, applied, target]);
  }

  async finish(id: string, outcome: { status: 'done'; report: unknown } | { status: 'failed'; error: string }): Promise<void> {
    await this.db.query(
      `UPDATE rebuilds SET status = $2, phase = $2, report = $3, error = $4, finished_at = now(), updated_at = now(),
         applied = CASE WHEN $2 = 'done' THEN greatest(applied, target) ELSE applied END
       WHERE id = $1`,
      [id, outcome.status, outcome.status === 'done' ? JSON.stringify(outcome.report) : null, outcome.status === 'failed' ? outcome.error : null],
    );
  }

  async get(id: string): Promise<RebuildStatus | undefined> {
    const rows: RebuildRow[] = await this.db.query(`SELECT * FROM rebuilds WHERE id = $1`, [id]);
    return rows[0] ? toStatus(rows[0]) : undefined;
  }

  /** The most recent rebuilds, newest first. */
  async recent(limit: number): Promise<RebuildStatus[]> {
    const rows: RebuildRow[] = await this.db.query(`SELECT * FROM rebuilds ORDER BY started_at DESC LIMIT $1`, [limit]);
    return rows.map(toStatus);
  }

  async running(): Promise<string | null> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM rebuilds WHERE status = 'running' ORDER BY started_at DESC LIMIT 1`);
    return rows[0]?.id ?? null;
  }
}
