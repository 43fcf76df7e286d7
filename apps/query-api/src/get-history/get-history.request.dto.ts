import { QueryError } from '../query-api.error';
import { decodeKeysetCursor, encodeKeysetCursor, singleParam } from '../query-params';

/** The largest page of a history. */
export const HISTORY_MAX_LIMIT = 1000;

/** Where a page of a history ended: the position of its last event (the keyset; log order is partition, then offset). */
export interface HistoryCursor {
  partition: number;
  offset: string;
}

/** `?limit=&cursor=` of `GET …/:id/history`; without `limit`, every event (as before paging existed). */
export interface GetHistoryRequest {
  limit?: number;
  cursor?: HistoryCursor;
}

/** The opaque `nextCursor` after an event at this position. */
export function encodeHistoryCursor(position: HistoryCursor): string {
  return encodeKeysetCursor(position.partition, position.offset);
}

/** A cursor back, or null when it is not one {@link encodeHistoryCursor} could have made (both parts reach SQL). */
export function decodeHistoryCursor(cursor: string): HistoryCursor | null {
  const keys = decodeKeysetCursor(cursor);
  if (!keys) return null;
  const [partition, offset] = keys;
  if (!Number.isInteger(partition) || (partition as number) < 0 || (partition as number) > 1_000_000) return null;
  if (typeof offset !== 'string' || !/^\d{1,19}$/.test(offset)) return null;
  return { partition: partition as number, offset };
}

/**
 * Reads the paging of a history request.
 * @throws QueryError `invalid_query` naming the bad parameter
 */
export function parseGetHistoryRequest(limitParam: unknown, cursorParam: unknown): GetHistoryRequest {
  const limit = singleParam('limit', limitParam);
  const cursor = singleParam('cursor', cursorParam);
  const request: GetHistoryRequest = {};
  if (limit !== undefined && limit !== '') {
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > HISTORY_MAX_LIMIT) {
      throw new QueryError('invalid_query', `limit must be a whole number from 1 to ${HISTORY_MAX_LIMIT}`, [{ path: 'limit', message: `got "${limit.slice(0, 64)}"` }]);
    }
    request.limit = Number(limit);
  }
  if (cursor !== undefined && cursor !== '') {
    const position = decodeHistoryCursor(cursor);
    if (!position) throw new QueryError('invalid_query', 'cursor is not one this API returned; start again without it', [{ path: 'cursor', message: 'must be the nextCursor of the page before' }]);
    request.cursor = position;
  }
  return request;
}
