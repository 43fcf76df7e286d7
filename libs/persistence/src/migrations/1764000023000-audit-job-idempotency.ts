import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An audit job may carry the `Idempotency-Key` its request was sent with: a resend of that request
 * (its answer lost) answers the job the first send recorded instead of recording another.
 */
export class AuditJobIdempotency1764000023000 implements MigrationInterface {
  name = 'AuditJobIdempotency1764000023000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_jobs ADD COLUMN idempotency_key text`);
    await q.query(`CREATE UNIQUE INDEX audit_jobs_idempotency ON audit_jobs (requested_by, kind, idempotency_key) WHERE idempotency_key IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_jobs_idempotency`);
    await q.query(`ALTER TABLE audit_jobs DROP COLUMN idempotency_key`);
  }
}
