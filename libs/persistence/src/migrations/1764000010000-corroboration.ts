import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contract §7: a view row's `level` (the corroboration level of its `reportedStatus` stage) and
 * `disputed`, which the lists filter on; and each snapshot's `state_version`, the domain's
 * `STATE_VERSION` it was written under. Snapshots written before (version 1) were derived by the
 * v1 rules: reads skip them and replay from the event index, and the snapshot taker writes
 * current ones in their place. View rows written before carry a summary without a version: the
 * projector derives each again from the event index when it next touches it, and its upgrade
 * sweep does the rest at start (see `ViewsUpgrade`).
 */
export class Corroboration1764000010000 implements MigrationInterface {
  name = 'Corroboration1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE views ADD COLUMN level text, ADD COLUMN disputed boolean NOT NULL DEFAULT false`);
    // Disputes are rare: a partial index serves `disputed=true` without weighing on every write.
    await q.query(`CREATE INDEX views_disputed ON views (kind, last_recorded_at DESC, subject) WHERE disputed`);
    await q.query(`ALTER TABLE snapshots ADD COLUMN state_version int NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Snapshots of the newer rules would be replayed from by the older code: drop them, the taker writes them again.
    await q.query(`DELETE FROM snapshots WHERE state_version <> 1`);
    await q.query(`ALTER TABLE snapshots DROP COLUMN state_version`);
    await q.query(`DROP INDEX views_disputed`);
    await q.query(`ALTER TABLE views DROP COLUMN level, DROP COLUMN disputed`);
  }
}
