import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contract §7.4: each status change carries its cause, the level of its new stage and a reason,
 * and two more kinds (corroboration, dispute) whose values are not text. They live in one JSON
 * column beside the v1 columns, which keep their meaning, so the feed filters as before. Rows
 * recorded earlier keep a null payload: what caused them is in the history, not re-derived here.
 */
export class ExplainedChanges1764000012000 implements MigrationInterface {
  name = 'ExplainedChanges1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE status_changes ADD COLUMN payload jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The older code knows two fields; changes of the newer kinds would reach its followers as status changes.
    await q.query(`DELETE FROM status_changes WHERE field NOT IN ('status', 'reportedStatus')`);
    await q.query(`ALTER TABLE status_changes DROP COLUMN payload`);
  }
}
