import { QueryError } from '../query-api.error';

/** The page size when none is asked for, and the largest. */
export const DEAD_LETTERS_DEFAULT_LIMIT = 50;
export const DEAD_LETTERS_MAX_LIMIT = 500;

/** `?limit=&cursor=` of `GET /v1/admin/dead-letters`, checked. */
export interface BrowseDeadLettersRequest {
  limit: number;
  /** the offset to read below (`nextCursor` of the page before) */
  cursor?: string;
}

const single = (name: string, value: unknown): string | undefined => {
  if (value === undefined || typeof value === 'string') return value === '' ? undefined : value;
  throw new QueryError('invalid_query', `give ${name} once`, [{ path: name, message: 'must be given once' }]);
};

/** Checks the query; an unknown parameter is refused, so a typo does not silently list everything. */
export function browseDeadLettersRequestOf(query: Record<string, unknown>): BrowseDeadLettersRequest {
  const unknown = Object.keys(query).filter((k) => k !== 'limit' && k !== 'cursor');
  if (unknown.length > 0) {
    throw new QueryError('invalid_query', `unknown query parameter ${unknown.map((k) => `"${k}"`).join(', ')}; this endpoint takes limit and cursor`, unknown.map((k) => ({ path: k, message: 'is not a parameter of this endpoint' })));
  }
  const limit = single('limit', query.limit);
  const cursor = single('cursor', query.cursor);
  if (limit !== undefined && !(/^\d{1,4}$/.test(limit) && Number(limit) >= 1 && Number(limit) <= DEAD_LETTERS_MAX_LIMIT)) {
    throw new QueryError('invalid_query', `limit must be a whole number from 1 to ${DEAD_LETTERS_MAX_LIMIT}`, [{ path: 'limit', message: `got "${limit}"` }]);
  }
  if (cursor !== undefined && !/^\d{1,19}$/.test(cursor)) {
    throw new QueryError('invalid_query', 'cursor must be the nextCursor of a page before', [{ path: 'cursor', message: `got "${cursor.slice(0, 64)}"` }]);
  }
  return { limit: limit === undefined ? DEAD_LETTERS_DEFAULT_LIMIT : Number(limit), ...(cursor !== undefined ? { cursor } : {}) };
}
