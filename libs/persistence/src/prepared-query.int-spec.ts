import { freshId, testConfig } from '@newsledger/testing';
import { DataSource } from 'typeorm';
import { openDataSource } from './data-source';
import { preparedQuery } from './prepared-query';

describe('preparedQuery (real PostgreSQL)', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 1);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  /** The connection's prepared statements with this text. */
  const preparedAs = (on: { query: DataSource['query'] }, text: string): Promise<{ name: string; generic_plans: number }[]> =>
    on.query(`SELECT name, generic_plans FROM pg_prepared_statements WHERE statement = $1`, [text]);

  it('prepares a statement once per connection and plans it for each run\'s values', async () => {
    // A statement whose generic plan costs what its custom ones do: PostgreSQL's default would take it after five runs.
    const text = `SELECT $1::int AS n /* ${freshId('t')} */`;
    await db.transaction(async (m) => {
      for (let i = 1; i <= 8; i++) expect(await preparedQuery(m, text, [i])).toEqual([{ n: i }]);
      // The pool's one connection: the statement was prepared there once, and never planned generically.
      expect(await preparedAs(m, text)).toEqual([{ name: expect.stringMatching(/^nl_[0-9a-f]{24}$/), generic_plans: '0' }]);
    });
    expect(await preparedQuery(db, text, [3])).toEqual([{ n: 3 }]);
    expect(await preparedAs(db, text)).toHaveLength(1);
  });

  it('runs in the transaction it is given, and on its own outside one', async () => {
    const table = `prepared_${freshId('t').replace(/-/g, '_')}`;
    await db.query(`CREATE TABLE ${table} (v int)`);
    try {
      await db.transaction(async (m) => {
        await preparedQuery(m, `INSERT INTO ${table} VALUES ($1)`, [1]);
        expect(await preparedQuery(m, `SELECT v FROM ${table}`, [])).toEqual([{ v: 1 }]);
        throw new Error('roll back');
      }).catch(() => undefined);
      expect(await preparedQuery(db, `SELECT v FROM ${table}`, [])).toEqual([]);
      await preparedQuery(db, `INSERT INTO ${table} VALUES ($1)`, [2]);
      expect(await db.query(`SELECT v FROM ${table}`)).toEqual([{ v: 2 }]);
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  });

  it('reads the table a name stands for now, after a switch renamed another one to it', async () => {
    const [live, next] = [`live_${freshId('t').replace(/-/g, '_')}`, `next_${freshId('t').replace(/-/g, '_')}`];
    await db.query(`CREATE TABLE ${live} (v text); INSERT INTO ${live} VALUES ('old generation')`);
    await db.query(`CREATE TABLE ${next} (v text); INSERT INTO ${next} VALUES ('new generation')`);
    try {
      const text = `SELECT v FROM ${live}`;
      expect(await preparedQuery(db, text, [])).toEqual([{ v: 'old generation' }]);
      await db.query(`ALTER TABLE ${live} RENAME TO ${live}_old; ALTER TABLE ${next} RENAME TO ${live}`);
      expect(await preparedQuery(db, text, [])).toEqual([{ v: 'new generation' }]);
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${live}, ${live}_old, ${next}`);
    }
  });
});
