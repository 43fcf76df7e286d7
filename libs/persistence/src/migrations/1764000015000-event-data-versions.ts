import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The version of its type each indexed event's `data` was recorded in (its CloudEvent's
 * `dataschema`), beside that data kept as recorded: reads upcast it with the domain's `upcast`,
 * and `export` and `history` show it as it was. Every event indexed before was of version 1, as
 * is any a writer that does not know the column inserts.
 */
export class EventDataVersions1764000015000 implements MigrationInterface {
  name = 'EventDataVersions1764000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN data_version smallint NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events DROP COLUMN data_version`);
  }
}
