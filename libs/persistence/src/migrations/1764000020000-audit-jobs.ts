import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rebuild and verify become jobs that the projector's workers claim: `audit_jobs` takes over from
 * `rebuilds` (whose rows it keeps). A worker holds a job by a lease it renews; a job whose worker
 * died is claimed again once the lease has run out. One rebuild job runs at a time, whoever asks.
 */
export class AuditJobs1764000020000 implements MigrationInterface {
  name = 'AuditJobs1764000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_jobs (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('rebuild', 'verify')),
        topic text NOT NULL,
        consumer_group text NOT NULL,
        requested_by text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        phase text NOT NULL,
        applied bigint NOT NULL DEFAULT 0,
        target bigint NOT NULL DEFAULT 0,
        worker text,
        lease_until timestamptz,
        attempts int NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        report jsonb,
        error text,
        error_code text,
        error_details jsonb
      )`);
    await q.query(`CREATE INDEX audit_jobs_started ON audit_jobs (kind, started_at DESC)`);
    await q.query(`CREATE INDEX audit_jobs_running ON audit_jobs (started_at) WHERE status = 'running'`);
    await q.query(`CREATE UNIQUE INDEX audit_jobs_one_rebuild ON audit_jobs ((true)) WHERE kind = 'rebuild' AND status = 'running'`);
    // A rebuild left running by a process that is gone is over: nothing will resume it.
    await q.query(`
      INSERT INTO audit_jobs (id, kind, topic, consumer_group, requested_by, status, phase, applied, target, attempts,
                              started_at, updated_at, finished_at, report, error)
      SELECT id, 'rebuild', topic, '', requested_by,
             CASE WHEN status = 'running' THEN 'failed' ELSE status END, CASE WHEN status = 'running' THEN 'failed' ELSE phase END,
             applied, target, 1, started_at, updated_at, coalesce(finished_at, updated_at), report,
             CASE WHEN status = 'running' THEN 'abandoned: the process running it stopped' ELSE error END
      FROM rebuilds`);
    await q.query(`DROP TABLE rebuilds`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rebuilds (
        id text PRIMARY KEY, topic text NOT NULL, requested_by text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'done', 'failed')), phase text NOT NULL,
        applied bigint NOT NULL DEFAULT 0, target bigint NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz, report jsonb, error text
      )`);
    await q.query(`CREATE INDEX rebuilds_started ON rebuilds (started_at DESC)`);
    await q.query(`
      INSERT INTO rebuilds (id, topic, requested_by, status, phase, applied, target, started_at, updated_at, finished_at, report, error)
      SELECT id, topic, requested_by, status, phase, applied, target, started_at, updated_at, finished_at, report, error
      FROM audit_jobs WHERE kind = 'rebuild'`);
    await q.query(`DROP TABLE audit_jobs`);
  }
}
