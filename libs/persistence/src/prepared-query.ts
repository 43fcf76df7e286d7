import { createHash } from 'node:crypto';
import type { PoolClient, QueryConfig } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

const names = new Map<string, string>();

/** A statement's name on every connection, from its text: two texts never share a name, one text never has two. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `nl_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    // The hot paths have a few dozen texts; anything past that is named again on each call, not kept.
    if (names.size < 1000) names.set(text, name);
  }
  return name;
}

/** `text` as a prepared statement for a driver client's own `query` (see {@link preparedQuery}). */
export function prepared(text: string, values: readonly unknown[]): QueryConfig {
  return { name: nameOf(text), text, values: [...values] };
}

/**
 * Runs `text` as a statement prepared once per connection: PostgreSQL parses, analyses and
 * rewrites it once instead of on every call, which for the statements a hot path repeats with new
 * values (a projected batch's, a group of claims') costs it more than running them on a few rows.
 * It is still planned on every run, for its values (`plan_cache_mode`, see `dataSourceOptions`).
 * PostgreSQL analyses a statement again by itself when a table it names changes (a rebuild's
 * switch renames them).
 *
 * Runs in `on`'s transaction when it is an entity manager inside one, and on a pooled connection
 * for this statement alone (its own transaction) when it is the data source. An entity manager
 * outside a transaction has no connection of its own to prepare on: there it is a plain query.
 *
 * @returns the rows, as `EntityManager.query` does for a SELECT or a RETURNING
 */
export async function preparedQuery<R>(on: EntityManager | DataSource, text: string, values: readonly unknown[]): Promise<R[]> {
  const runner = on instanceof DataSource ? on.createQueryRunner() : on.queryRunner;
  if (!runner) return (on as EntityManager).query(text, [...values]);
  try {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<R & object>(prepared(text, values))).rows;
  } finally {
    if (on instanceof DataSource) await runner.release();
  }
}
