import { freshId, testConfig } from '@newsledger/testing';
import { DataSource } from 'typeorm';
import { openDataSource } from '../data-source';

describe('views.search (migration Headlines, real PostgreSQL)', () => {
  const schema = `headlines_${freshId('s').replace(/-/g, '_')}`;
  let db: DataSource;

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 2, schema);
  });
  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('is served by a trigram index where pg_trgm is available, for a match anywhere in the text', async () => {
    const available = await db.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`);
    const indexes: { indexname: string }[] = await db.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'views'`, [schema]);
    if (available.length === 0) {
      expect(indexes.map((i) => i.indexname)).not.toContain('views_search');
      return;
    }
    expect(indexes.map((i) => i.indexname)).toContain('views_search');
    await db.query(
      `INSERT INTO "${schema}".views (subject, kind, parties, search, event_count, last_recorded_at)
       SELECT 'exchange/s-' || g, 'exchange', '{}', 's-' || g || E'\\nswap number ' || g, 1, now() FROM generate_series(1, 2000) g`,
    );
    await db.query(`ANALYZE "${schema}".views`);
    // Whether the planner takes it depends on the data (common trigrams favour a scan); that it can is what is checked.
    const plan: { 'QUERY PLAN': string }[] = await db.transaction(async (m) => {
      await m.query(`SET LOCAL enable_seqscan = off`);
      await m.query(`SET LOCAL enable_indexscan = off`);
      return m.query(
        `EXPLAIN SELECT subject FROM "${schema}".views WHERE kind = 'exchange' AND search LIKE '%number 1234%' ORDER BY last_recorded_at DESC, subject LIMIT 51`,
      );
    });
    expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toContain('views_search');
  });
});
