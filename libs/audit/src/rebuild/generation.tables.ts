import { DataSource, QueryRunner } from 'typeorm';

/**
 * The tables of one generation, rebuilt and switched together. The event index is part of it:
 * the projector decides duplicates and retraction targets against the index, so views are only
 * consistent with the index built beside them, and its `retracted_by` marks are derived data too.
 * The status-change outbox is not: it records notifications already sent, and a rebuild must not
 * announce old changes again.
 */
export const GENERATION_TABLES = ['events', 'views', 'negotiation_exchanges', 'snapshots'] as const;

const NEXT = '__next';
const OLD = '__old';
/** PostgreSQL's lock_not_available, raised when the swap's lock_timeout expires. */
const LOCK_NOT_AVAILABLE = '55P03';
/** PostgreSQL's deadlock_detected: a reader holding one generation table while waiting for another. */
const DEADLOCK_DETECTED = '40P01';

type Queryable = Pick<DataSource, 'query'> | QueryRunner;

/** The live generation of a schema's tables and the new one (`<table>__next`) a rebuild fills beside it. */
export class Generations {
  constructor(private readonly schema: string) {}

  /** A live table, qualified by the schema. */
  live(name: string): string {
    return `"${this.schema}"."${name}"`;
  }

  /** The new generation's copy of a live table. */
  next(name: string): string {
    return this.live(name + NEXT);
  }

  /** Empty copies of the live tables (leftovers of a dead rebuild dropped first). */
  async createNext(db: Queryable): Promise<void> {
    await this.dropNext(db);
    for (const t of GENERATION_TABLES) {
      await db.query(`DROP TABLE IF EXISTS ${this.live(t + OLD)}`);
      await db.query(`CREATE TABLE ${this.next(t)} (LIKE ${this.live(t)} INCLUDING ALL)`);
    }
  }

  async dropNext(db: Queryable): Promise<void> {
    for (const t of GENERATION_TABLES) await db.query(`DROP TABLE IF EXISTS ${this.next(t)}`);
  }

  /**
   * Puts the new generation in the live one's place, in the caller's transaction; waits at most
   * `lockTimeoutMs` for running reads (see {@link gaveWay}). Indexes keep their live names.
   */
  async swap(runner: QueryRunner, lockTimeoutMs: number): Promise<void> {
    await runner.query(`SET LOCAL lock_timeout = ${Math.floor(lockTimeoutMs)}`);
    const renames = await this.indexRenames(runner);
    for (const t of GENERATION_TABLES) {
      await runner.query(`ALTER TABLE ${this.live(t)} RENAME TO "${t}${OLD}"`);
      await runner.query(`ALTER TABLE ${this.next(t)} RENAME TO "${t}"`);
      await runner.query(`DROP TABLE ${this.live(t + OLD)}`);
    }
    for (const [from, to] of renames) await runner.query(`ALTER INDEX ${this.live(from)} RENAME TO "${to}"`);
  }

  /** New index name → live index name, matched by definition, so the swapped tables keep their index names. */
  private async indexRenames(runner: QueryRunner): Promise<Map<string, string>> {
    const renames = new Map<string, string>();
    const defsOf = async (table: string) => {
      const rows: { name: string; def: string }[] = await runner.query(
        `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE i.indrelid = $1::regclass ORDER BY c.relname`,
        [table],
      );
      return rows.map((r) => ({ name: r.name, def: r.def.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+ /, 'CREATE $1INDEX ON ') }));
    };
    for (const t of GENERATION_TABLES) {
      const live = await defsOf(this.live(t));
      const next = await defsOf(this.next(t));
      for (const l of live) {
        const i = next.findIndex((n) => n.def === l.def);
        if (i < 0) continue;
        if (next[i].name !== l.name) renames.set(next[i].name, l.name);
        next.splice(i, 1);
      }
    }
    return renames;
  }
}

/** The swap gave way to readers (its lock timeout, or a deadlock with a read): worth another attempt. */
export function gaveWay(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === LOCK_NOT_AVAILABLE || code === DEADLOCK_DETECTED;
}
