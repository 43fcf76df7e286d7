import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A view row keeps a bounded summary (status folds, parties, counts) instead of the full state,
 * which grew with every claim and was rewritten whole on each batch. Rows written before keep
 * their full `state` until the projector next touches them (it summarises it then); reads
 * replay the full view from the event index and the snapshots.
 */
export class ViewSummaries1764000005000 implements MigrationInterface {
  name = 'ViewSummaries1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE views ADD COLUMN summary jsonb`);
    await q.query(`ALTER TABLE views ALTER COLUMN state DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The full states cannot be recomputed here: a rebuild writes them back.
    await q.query(`DELETE FROM views WHERE state IS NULL`);
    await q.query(`ALTER TABLE views ALTER COLUMN state SET NOT NULL`);
    await q.query(`ALTER TABLE views DROP COLUMN summary`);
  }
}
