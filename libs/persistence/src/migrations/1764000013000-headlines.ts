import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Contract §7.6: a view row's `search`, the lower-case text a list's `q` matches (the domain's
 * `searchTextOf`: id, title, parties, source names, mediators, venues, one per line), written by
 * the projector with the row. Rows written before hold only their id until the projector's
 * upgrade sweep derives them again (their summaries are of an earlier `STATE_VERSION`).
 *
 * With pg_trgm (a contrib extension: present where PostgreSQL's contrib package is), a trigram
 * GIN index serves `search LIKE '%…%'`; without it, `q` filters the keyset scan of the kind's
 * rows, which is bounded by the page size when matches are common and by the kind's row count
 * when they are not. Creating the extension needs a privilege the database owner may lack:
 * refused, the column stays unindexed and everything else works.
 */
export class Headlines1764000013000 implements MigrationInterface {
  name = 'Headlines1764000013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE views ADD COLUMN search text NOT NULL DEFAULT ''`);
    await q.query(`UPDATE views SET search = lower(split_part(subject, '/', 2))`);
    const available: unknown[] = await q.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`);
    if (available.length === 0) return;
    await q.query(`SAVEPOINT trgm`);
    try {
      // An extension belongs to the database, not to the schema migrated (tests migrate one schema
      // each): made in public, and its operator class named with the schema it is in, wherever that is.
      await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
      const [{ schema }]: { schema: string }[] = await q.query(
        `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
      );
      await q.query(`CREATE INDEX views_search ON views USING gin (search "${schema.replace(/"/g, '""')}".gin_trgm_ops)`);
      await q.query(`RELEASE SAVEPOINT trgm`);
    } catch {
      await q.query(`ROLLBACK TO SAVEPOINT trgm`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS views_search`);
    await q.query(`ALTER TABLE views DROP COLUMN search`);
  }
}
