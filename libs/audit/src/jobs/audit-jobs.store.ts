import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UNIQUE_VIOLATION } from '@newsledger/persistence';
import { AuditError, AuditErrorCode } from '../audit.error';

/** What a job does: rebuild every view, or verify them against the log. */
export type AuditJobKind = 'rebuild' | 'verify';

/** Where a job stands: a rebuild's phases, or `replaying` for a verification. */
export type AuditJobPhase = 'preparing' | 'building' | 'switching' | 'replaying' | 'done' | 'failed';

/** What a job was asked to do. */
export interface AuditJobParams {
  /** Rebuild: refuse to switch when the new generation differs. */
  abortOnDifference?: boolean;
  /** Rebuild: adopt the log the brokers hold now (`rebuild --adopt-log`). */
  adoptLog?: boolean;
  /** Verify: differences listed in the report (all are counted). */
  limit?: number;
}

/**
 * A rebuild or verification as the API, the CLI and the workers see it. `status` stays `running`
 * from the request until the job ends; `worker` is null while no worker has taken it yet.
 */
export interface AuditJob {
  id: string;
  kind: AuditJobKind;
  topic: string;
  requestedBy: string;
  status: 'running' | 'done' | 'failed';
  phase: AuditJobPhase;
  progress: {
    /** Log messages applied (rebuild) or read (verify) so far. */
    applied: number;
    /** Where the job is going: the live views' position (rebuild), the messages to read (verify). */
    target: number;
    /** `applied / target`, 0–100, one decimal. */
    percent: number;
  };
  /** The worker running it (`host:pid`), null while it waits for one. */
  worker: string | null;
  /** How many workers have started it: more than one after a worker stopped midway. */
  attempts: number;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** The final report once done. */
  report: unknown;
  /** Why it failed. */
  error: string | null;
  /** The stable code of the failure, when it had one (`rebuild_differs`, `log_refused`, …). */
  errorCode: AuditErrorCode | null;
}

/** A job a worker has claimed, with what it was asked. */
export interface ClaimedJob extends AuditJob {
  group: string;
  params: AuditJobParams;
}

/** A rebuild's progress as earlier releases named it. */
export type RebuildStatus = AuditJob;

interface JobRow {
  id: string;
  kind: AuditJobKind;
  topic: string;
  consumer_group: string;
  requested_by: string;
  params: AuditJobParams;
  status: AuditJob['status'];
  phase: AuditJobPhase;
  applied: string;
  target: string;
  worker: string | null;
  attempts: number;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  report: unknown;
  error: string | null;
  error_code: AuditErrorCode | null;
  error_details: unknown;
}

function toJob(r: JobRow): AuditJob {
  const applied = Number(r.applied);
  const target = Number(r.target);
  return {
    id: r.id,
    kind: r.kind,
    topic: r.topic,
    requestedBy: r.requested_by,
    status: r.status,
    phase: r.phase,
    progress: { applied, target, percent: target === 0 ? (r.status === 'done' ? 100 : 0) : Math.min(100, Math.round((applied / target) * 1000) / 10) },
    worker: r.worker,
    attempts: r.attempts,
    startedAt: r.started_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    report: r.report,
    error: r.error,
    errorCode: r.error_code,
  };
}

/** The partial unique index that lets one rebuild job at a time be running (migration AuditJobs). */
const ONE_REBUILD = 'audit_jobs_one_rebuild';
/** The partial unique index of a requester's idempotency keys, per kind of job (migration AuditJobIdempotency). */
const ONE_PER_KEY = 'audit_jobs_idempotency';

/** The ending of a job: its report, or why it failed. */
export type JobOutcome = { status: 'done'; report: unknown } | { status: 'failed'; error: unknown };

/**
 * The `audit_jobs` table: rebuilds and verifications asked of the workers, their progress and
 * results. Workers claim a job with a lease they keep renewing; a job whose lease ran out (its
 * worker died) is claimed again by another. At most one rebuild job runs at a time: a partial
 * unique index says so, whoever asks.
 */
export class AuditJobsStore {
  constructor(private readonly db: DataSource) {}

  /**
   * Records a job; with `claimBy`, already claimed by that worker (the CLI running it itself). With
   * `idempotencyKey`, the job its requester already recorded with that key, if any, is the answer.
   * @throws AuditError `rebuild_running` when a rebuild job is running already.
   */
  async create(
    job: { kind: AuditJobKind; topic: string; group: string; requestedBy: string; params: AuditJobParams; idempotencyKey?: string | undefined },
    claimBy?: { worker: string; leaseMs: number },
  ): Promise<AuditJob> {
    // A resend of a request whose job was recorded answers that job, even while it runs: before
    // the one-rebuild check, which would refuse the resend of a rebuild its first send started.
    const recorded = job.idempotencyKey === undefined ? undefined : await this.byIdempotencyKey(job.requestedBy, job.kind, job.idempotencyKey);
    if (recorded) return recorded;
    const id = randomUUID();
    try {
      const rows: JobRow[] = await this.db.query(
        `INSERT INTO audit_jobs (id, kind, topic, consumer_group, requested_by, params, status, phase, worker, lease_until, attempts, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, 'running', 'preparing', $7::text,
                 CASE WHEN $7::text IS NULL THEN NULL ELSE now() + make_interval(secs => $8::double precision / 1000) END,
                 CASE WHEN $7::text IS NULL THEN 0 ELSE 1 END, $9)
         RETURNING *`,
        [id, job.kind, job.topic, job.group, job.requestedBy, JSON.stringify(job.params), claimBy?.worker ?? null, claimBy?.leaseMs ?? 0, job.idempotencyKey ?? null],
      );
      return toJob(rows[0]);
    } catch (e) {
      const err = e as { code?: string; constraint?: string; driverError?: { constraint?: string } };
      const violated = err.code === UNIQUE_VIOLATION ? (err.constraint ?? err.driverError?.constraint) : undefined;
      // Two sends of one key side by side: the one that lost answers the other's job.
      const other = violated === ONE_PER_KEY ? await this.byIdempotencyKey(job.requestedBy, job.kind, job.idempotencyKey!) : undefined;
      if (other) return other;
      if (violated === ONE_REBUILD) {
        const running = await this.activeRebuild();
        throw new AuditError('rebuild_running', `rebuild ${running ?? '(ending)'} is running; follow it at /v1/admin/rebuild/${running ?? ''}`, { rebuildId: running });
      }
      throw e;
    }
  }

  /**
   * Takes the oldest job of these views that no live worker holds: waiting, or left by a worker
   * whose lease ran out. Jobs started `maxAttempts` times are failed instead (they may be what
   * stops their workers).
   */
  async claim(worker: string, scope: { topic: string; group: string }, leaseMs: number, maxAttempts: number): Promise<ClaimedJob | undefined> {
    await this.db.query(
      `UPDATE audit_jobs SET status = 'failed', phase = 'failed', finished_at = now(), updated_at = now(), lease_until = NULL,
         error = 'abandoned: its worker stopped midway ' || attempts || ' times', error_code = 'job_failed'
       WHERE status = 'running' AND worker IS NOT NULL AND lease_until < now() AND attempts >= $1`,
      [maxAttempts],
    );
    const rows: JobRow[] = await this.db.query(
      `WITH next AS (
         SELECT id FROM audit_jobs
         WHERE status = 'running' AND topic = $2 AND consumer_group = $3 AND (worker IS NULL OR lease_until < now()) AND attempts < $5
         ORDER BY started_at LIMIT 1 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE audit_jobs j SET worker = $1, lease_until = now() + make_interval(secs => $4::double precision / 1000),
           attempts = j.attempts + 1, phase = 'preparing', applied = 0, target = 0, updated_at = now()
         FROM next WHERE j.id = next.id
         RETURNING j.*
       )
       SELECT * FROM claimed`,
      [worker, scope.topic, scope.group, leaseMs, maxAttempts],
    );
    return rows[0] ? { ...toJob(rows[0]), group: rows[0].consumer_group, params: rows[0].params } : undefined;
  }

  /** Renews the lease; false when the job is no longer this worker's (taken over, or ended). */
  async renew(id: string, worker: string, leaseMs: number): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH renewed AS (
         UPDATE audit_jobs SET lease_until = now() + make_interval(secs => $3::double precision / 1000)
         WHERE id = $1 AND worker = $2 AND status = 'running' RETURNING id)
       SELECT id FROM renewed`,
      [id, worker, leaseMs],
    );
    return rows.length > 0;
  }

  async progress(id: string, worker: string, phase: AuditJobPhase, applied: number, target: number): Promise<void> {
    await this.db.query(`UPDATE audit_jobs SET phase = $3, applied = $4, target = $5, updated_at = now() WHERE id = $1 AND worker = $2`, [
      id,
      worker,
      phase,
      applied,
      target,
    ]);
  }

  async finish(id: string, worker: string, outcome: JobOutcome): Promise<void> {
    const failure = outcome.status === 'failed' ? describeFailure(id, outcome.error) : undefined;
    await this.db.query(
      `UPDATE audit_jobs SET status = $3, phase = $3, report = $4, error = $5, error_code = $6, error_details = $7,
         finished_at = now(), updated_at = now(), lease_until = NULL,
         applied = CASE WHEN $3 = 'done' THEN greatest(applied, target) ELSE applied END
       WHERE id = $1 AND worker = $2`,
      [
        id,
        worker,
        outcome.status,
        outcome.status === 'done' ? JSON.stringify(outcome.report) : null,
        failure?.message ?? null,
        failure?.code ?? null,
        failure ? JSON.stringify(failure.details) : null,
      ],
    );
  }

  /**
   * Hands the job back to the other workers: it starts again from the beginning. `started` false
   * when this worker could not even begin it, which then does not count as an attempt.
   */
  async release(id: string, worker: string, started = true): Promise<void> {
    await this.db.query(
      `UPDATE audit_jobs SET worker = NULL, lease_until = NULL, phase = 'preparing', applied = 0, target = 0, updated_at = now(),
         attempts = attempts - CASE WHEN $3 THEN 0 ELSE 1 END
       WHERE id = $1 AND worker = $2 AND status = 'running'`,
      [id, worker, started],
    );
  }

  /** The job a requester recorded with this idempotency key, whatever its state. */
  private async byIdempotencyKey(requestedBy: string, kind: AuditJobKind, key: string): Promise<AuditJob | undefined> {
    const rows: JobRow[] = await this.db.query(`SELECT * FROM audit_jobs WHERE requested_by = $1 AND kind = $2 AND idempotency_key = $3`, [requestedBy, kind, key]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  async get(id: string, kind: AuditJobKind): Promise<AuditJob | undefined> {
    const rows: JobRow[] = await this.db.query(`SELECT * FROM audit_jobs WHERE id = $1 AND kind = $2`, [id, kind]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  /** The failure of an ended job as the error it was, so a caller waiting for it can throw it. */
  async failureOf(id: string): Promise<AuditError | undefined> {
    const rows: JobRow[] = await this.db.query(`SELECT * FROM audit_jobs WHERE id = $1 AND status = 'failed'`, [id]);
    const r = rows[0];
    if (!r) return undefined;
    const code: AuditErrorCode = r.error_code ?? 'job_failed';
    return new AuditError(code, r.error ?? 'failed', (r.error_details ?? { jobId: id, error: r.error ?? '' }) as never);
  }

  /** The most recent jobs of a kind, newest first. */
  async recent(kind: AuditJobKind, limit: number): Promise<AuditJob[]> {
    const rows: JobRow[] = await this.db.query(`SELECT * FROM audit_jobs WHERE kind = $1 ORDER BY started_at DESC LIMIT $2`, [kind, limit]);
    return rows.map(toJob);
  }

  /** The rebuild job running now, if any. */
  async activeRebuild(): Promise<string | null> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM audit_jobs WHERE kind = 'rebuild' AND status = 'running' LIMIT 1`);
    return rows[0]?.id ?? null;
  }
}

/** An AuditError keeps its code and details; anything else is `job_failed` with its message. */
function describeFailure(jobId: string, e: unknown): { code: AuditErrorCode; message: string; details: unknown } {
  if (e instanceof AuditError) return { code: e.code, message: e.message, details: e.details };
  const message = String((e as Error)?.message ?? e);
  return { code: 'job_failed', message, details: { jobId, error: message } };
}
