import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit: per-subject snapshots for time travel, the rebuild log, and an index for exporting a
 * time window of the event index.
 */
export class Audit1764000002000 implements MigrationInterface {
  name = 'Audit1764000002000';

  async up(q: QueryRunner): Promise<void> {
    // A subject's state after its first `event_count` events; the bounds say which time-travel
    // questions it may answer (see `snapshotServes` in the domain).
    await q.query(`
      CREATE TABLE snapshots (
        subject text NOT NULL,
        event_count int NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        max_recorded_at timestamptz NOT NULL,
        occurred_until timestamptz,
        state jsonb NOT NULL,
        PRIMARY KEY (subject, event_count)
      )`);
    await q.query(`
      CREATE TABLE rebuilds (
        id text PRIMARY KEY,
        topic text NOT NULL,
        requested_by text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        phase text NOT NULL,
        applied bigint NOT NULL DEFAULT 0,
        target bigint NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        report jsonb,
        error text
      )`);
    await q.query(`CREATE INDEX rebuilds_started ON rebuilds (started_at DESC)`);
    await q.query(`CREATE INDEX events_recorded_at ON events (recorded_at, partition, "offset")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS events_recorded_at`);
    await q.query(`DROP TABLE IF EXISTS rebuilds`);
    await q.query(`DROP TABLE IF EXISTS snapshots`);
  }
}
