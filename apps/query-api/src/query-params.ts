import { isReportedTime, parseSubject, SubjectKind } from '@newsledger/domain';
import { QueryError } from './query-api.error';

/** The URL segment of each subject kind. */
export const COLLECTIONS: Record<SubjectKind, string> = { exchange: 'exchanges', negotiation: 'negotiations' };

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

/** Parses an optional instant query parameter. */
export function instantParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new QueryError('invalid_query', `${name} must be an ISO-8601 instant such as 2025-05-23T10:00:00Z`, [
      { path: name, message: `got "${value}"` },
    ]);
  }
  return new Date(t).toISOString();
}

/** Parses an optional `validAt`: a date at its own precision ("2025", "2025-05", "2025-05-23") or an instant. */
export function validAtParam(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isReportedTime(value)) {
    throw new QueryError('invalid_query', 'validAt must be "YYYY", "YYYY-MM", "YYYY-MM-DD" or an ISO-8601 instant with offset', [
      { path: 'validAt', message: `got "${value}"` },
    ]);
  }
  return value;
}
