import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys limited to the subject kinds they may write (`exchange`, `negotiation`): NULL, as every key
 * made before this migration, means every kind.
 */
export class KeySubjectKinds1764000003000 implements MigrationInterface {
  name = 'KeySubjectKinds1764000003000';

  async up(q: QueryRunner): Promise<void> {
    // An empty list would be a key that may write nothing: refused, a key without ingest says that.
    await q.query(`ALTER TABLE api_keys ADD COLUMN subject_kinds text[] CHECK (cardinality(subject_kinds) > 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN subject_kinds`);
  }
}
