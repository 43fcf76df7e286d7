import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Snapshots are written once and read whole: `json` keeps the text as written, so a read sends it
 * as stored instead of rebuilding megabytes of text from `jsonb`'s binary form, which is where
 * an as-of question on a long story spent most of its database time.
 */
export class SnapshotJson1764000006000 implements MigrationInterface {
  name = 'SnapshotJson1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE snapshots ALTER COLUMN state TYPE json USING state::json`);
    await q.query(`ALTER TABLE snapshots ALTER COLUMN state SET COMPRESSION lz4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE snapshots ALTER COLUMN state TYPE jsonb USING state::jsonb`);
    await q.query(`ALTER TABLE snapshots ALTER COLUMN state SET COMPRESSION lz4`);
  }
}
