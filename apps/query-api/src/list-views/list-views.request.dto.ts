import { CORROBORATION_LEVELS, EXCHANGE_STATUSES, isStorableText, NEGOTIATION_STATUSES, recordedBound, searchForm, SubjectKind } from '@newsledger/domain';
import { z } from 'zod';
import { QueryError } from '../query-api.error';
import { INSTANT_FORMAT } from '../query-params';
import { decodeListCursor, ListCursor } from './list-views.cursor';
import { ListViewsFilters } from './list-views.query';

/** The statuses each kind's list filters on (`status` and `reportedStatus`). */
export const LIST_STATUSES: Record<SubjectKind, readonly [string, ...string[]]> = { exchange: EXCHANGE_STATUSES, negotiation: NEGOTIATION_STATUSES };

const MAX_VALUES = 100;
/** Longest `q`: a title is at most 200 characters, so a longer text matches nothing. */
const MAX_Q_LENGTH = 200;
const DEFAULT_LIMIT = 50;

/** `?x=a,b`, `?x=a&x=b` or both → `["a","b"]`; blanks are dropped, and nothing left means no filter. */
function listOf(value: unknown): unknown {
  if (value === undefined) return undefined;
  const raw = Array.isArray(value) ? value : [value];
  if (!raw.every((v): v is string => typeof v === 'string')) return value;
  const values = [...new Set(raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
  return values.length > 0 ? values : undefined;
}

const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(listOf, z.array(item).max(MAX_VALUES, { error: `at most ${MAX_VALUES} values` }).optional());

/** A parameter that takes one value; empty counts as absent. */
const single = z.preprocess((v) => (v === '' ? undefined : v), z.string({ error: 'must be given once' }).optional());

function listViewsRequest(kind: SubjectKind) {
  const statuses = LIST_STATUSES[kind];
  const status = z.enum(statuses, {
    error: (issue) => `"${String(issue.input)}" is not ${kind === 'exchange' ? 'an' : 'a'} ${kind} status; use one or more of ${statuses.join(', ')}`,
  });
  return z.object({
    status: list(status),
    reportedStatus: list(status),
    party: list(
      z
        .string()
        .regex(/^[A-Za-z]{2}$/, { error: (issue) => `"${String(issue.input)}" is not an ISO 3166 alpha-2 code such as UA` })
        .transform((code) => code.toUpperCase()),
    ),
    disputed: single.pipe(
      z
        .enum(['true', 'false'], { error: (issue) => `must be true or false; got "${String(issue.input)}"` })
        .transform((v) => v === 'true')
        .optional(),
    ),
    level: list(
      z.enum(CORROBORATION_LEVELS, {
        error: (issue) => `"${String(issue.input)}" is not a corroboration level; use one or more of ${CORROBORATION_LEVELS.join(', ')}`,
      }),
    ),
    q: single.pipe(
      z
        .string()
        .transform((v) => v.trim())
        .refine((v) => v.length <= MAX_Q_LENGTH, { error: `must be at most ${MAX_Q_LENGTH} characters` })
        .refine(isStorableText, { error: 'must be text without NUL or lone surrogates' })
        .optional(),
    ),
    updatedSince: single.pipe(
      z
        .string()
        .refine((at) => recordedBound(at, 'start') !== undefined, { error: (issue) => `must be ${INSTANT_FORMAT}, or a date YYYY-MM-DD for the start of that day (UTC); got "${String(issue.input)}"` })
        .transform((at) => recordedBound(at, 'start')!.instant)
        .optional(),
    ),
    limit: single.pipe(
      z
        .string()
        .refine((v) => v.trim() !== '' && Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 500, {
          error: (issue) => `must be a whole number from 1 to 500; got "${String(issue.input)}"`,
        })
        .transform(Number)
        .optional(),
    ),
    cursor: single.pipe(
      z
        .string()
        .transform((v, ctx): ListCursor => {
          const cursor = decodeListCursor(v);
          if (cursor) return cursor;
          ctx.addIssue({ code: 'custom', input: v, message: 'is not one this API returned; start again without it' });
          return z.NEVER;
        })
        .optional(),
    ),
  });
}

const REQUESTS: Record<SubjectKind, ReturnType<typeof listViewsRequest>> = {
  exchange: listViewsRequest('exchange'),
  negotiation: listViewsRequest('negotiation'),
};

/** A list request once read. */
export interface ListViewsRequest {
  filters: ListViewsFilters;
  limit: number;
  cursor?: ListCursor;
}

/**
 * Reads the query of `GET /v1/exchanges|negotiations`. `status`, `reportedStatus`, `party` and
 * `level` take one or more values, comma-separated or repeated; the others one value each.
 * `disputed` and `level` (the corroboration level of the `reportedStatus` stage) only ever match
 * exchanges: a negotiation has no disputes and no level. `q` (trimmed, blank is no filter) is kept in the
 * searched text's case-insensitive form.
 * @throws QueryError `invalid_query` naming every bad parameter.
 */
export function parseListViewsRequest(kind: SubjectKind, query: unknown): ListViewsRequest {
  const parsed = REQUESTS[kind].safeParse(query ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: String(i.path[0] ?? ''), message: i.message }));
    throw new QueryError('invalid_query', details.map((d) => `${d.path} ${d.message}`).join('; '), details);
  }
  const { status, reportedStatus, party, disputed, level, q, updatedSince, limit, cursor } = parsed.data;
  const filters: ListViewsFilters = {};
  if (status) filters.status = status;
  if (reportedStatus) filters.reportedStatus = reportedStatus;
  if (party) filters.party = party;
  if (disputed !== undefined) filters.disputed = disputed;
  if (level) filters.level = level;
  if (q) filters.q = searchForm(q);
  if (updatedSince) filters.updatedSince = updatedSince;
  return { filters, limit: limit ?? DEFAULT_LIMIT, ...(cursor ? { cursor } : {}) };
}
