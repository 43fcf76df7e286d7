import { INSTANT_FORMAT, isInstant, isReportedTime, parseSubject, recordedBound, SubjectKind } from '@newsledger/domain';
import { QueryError } from './query-api.error';

/** The URL segment of each subject kind. */
export const COLLECTIONS: Record<SubjectKind, string> = { exchange: 'exchanges', negotiation: 'negotiations' };

/** What an instant parameter must look like, for messages: the domain's one rule. */
export { INSTANT_FORMAT };

/** `exchange` + `ua-ru-1` → `exchange/ua-ru-1`, refusing ids the contract does not allow. */
export function subjectFromParam(kind: SubjectKind, id: string): string {
  const subject = `${kind}/${id}`;
  try {
    parseSubject(subject);
  } catch {
    throw new QueryError('invalid_query', `"${id}" is not a valid ${kind} id`, [
      { path: 'id', message: 'must match ^[a-z0-9][a-z0-9-]{1,79}$' },
    ]);
  }
  return subject;
}

/**
 * Whether an id the server minted (a subscription's, a key's, a rebuild's) could name anything.
 * PostgreSQL refuses the NUL character in text, so such an id names nothing and is answered
 * like any other unknown id rather than sent to the database.
 */
export function couldBeStoredId(id: string): boolean {
  return !id.includes('\u0000');
}

/** An opaque keyset cursor: the last item's two keys, as base64url JSON. */
export function encodeKeysetCursor(first: unknown, second: unknown): string {
  return Buffer.from(JSON.stringify([first, second])).toString('base64url');
}

/**
 * The two keys of a cursor {@link encodeKeysetCursor} made, unchecked, or null when it is not one;
 * the caller checks each key, as both reach SQL.
 */
export function decodeKeysetCursor(cursor: string): [unknown, unknown] | null {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  return Array.isArray(decoded) && decoded.length === 2 ? [decoded[0], decoded[1]] : null;
}

/** One value of a query parameter: a repeated one (`?a=1&a=2`) arrives as a list and is refused. */
export function singleParam(name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new QueryError('invalid_query', `give ${name} once`, [{ path: name, message: 'must be given once' }]);
}

/** Parses an optional instant query parameter to UTC ISO; the offset is required so the moment is unambiguous. */
export function instantParam(name: string, value: unknown): string | undefined {
  const given = singleParam(name, value);
  if (given === undefined || given === '') return undefined;
  if (!isInstant(given)) {
    throw new QueryError('invalid_query', `${name} must be ${INSTANT_FORMAT}`, [{ path: name, message: `got "${given}"` }]);
  }
  return new Date(given).toISOString();
}

/**
 * Parses an optional `asOf`: an instant, or a plain date, which means the end of that day, UTC
 * (`2025-05-23` is `2025-05-23T23:59:59.999Z`: everything recorded that day counts). `date` is
 * the date given, if one was, so the answer can say how it was read.
 */
export function asOfParam(value: unknown): { instant: string; date?: string } | undefined {
  const given = singleParam('asOf', value);
  if (given === undefined || given === '') return undefined;
  const bound = recordedBound(given, 'end');
  if (bound) return bound;
  throw new QueryError('invalid_query', `asOf must be ${INSTANT_FORMAT}, or a date YYYY-MM-DD for the end of that day (UTC)`, [{ path: 'asOf', message: `got "${given}"` }]);
}

/** Parses an optional `validAt`: a date at its own precision ("2025", "2025-05", "2025-05-23") or an instant. */
export function validAtParam(value: unknown): string | undefined {
  const given = singleParam('validAt', value);
  if (given === undefined || given === '') return undefined;
  if (!isReportedTime(given)) {
    throw new QueryError('invalid_query', `validAt must be "YYYY", "YYYY-MM", "YYYY-MM-DD" or ${INSTANT_FORMAT}`, [
      { path: 'validAt', message: `got "${given}"` },
    ]);
  }
  return given;
}
