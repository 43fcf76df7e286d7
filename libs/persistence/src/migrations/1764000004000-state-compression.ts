import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subject states (views and snapshots) are rewritten whole on every batch that touches them and
 * grow with a subject's claims: lz4 compresses them several times faster than the default pglz,
 * which is where a busy projector's database spends its time. Existing values keep their
 * compression until rewritten.
 */
export class StateCompression1764000004000 implements MigrationInterface {
  name = 'StateCompression1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE views ALTER COLUMN state SET COMPRESSION lz4`);
    await q.query(`ALTER TABLE snapshots ALTER COLUMN state SET COMPRESSION lz4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE views ALTER COLUMN state SET COMPRESSION pglz`);
    await q.query(`ALTER TABLE snapshots ALTER COLUMN state SET COMPRESSION pglz`);
  }
}
