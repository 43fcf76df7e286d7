import { DomainError } from './domain.error';
import { INSTANT_RANGE, isStorableInstant } from './storable';

/** "YYYY", "YYYY-MM" or "YYYY-MM-DD": a date known only to that precision. */
const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
/**
 * An ISO-8601 instant to the minute or the second (a fraction only after seconds); the offset (or
 * Z) is required so the moment is unambiguous. asOf, updatedSince and the export took minutes
 * alone before they shared this rule: refusing them would break the clients that send them.
 */
const INSTANT =
  /^(\d{4}-\d{2}-\d{2})T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** How an instant must be written, for messages: the form {@link isInstant} takes. */
export const INSTANT_FORMAT =
  `an instant with Z or an offset, to the second or the minute, such as 2025-05-23T10:00:00Z, 2025-05-23T13:00:00+03:00 or 2025-05-23T10:00Z, ${INSTANT_RANGE}`;

/** The half-open span `[start, end)` in epoch milliseconds that a reported time covers. */
interface Span {
  start: number;
  end: number;
}

/** Midnight UTC starting the day; unlike `Date.UTC`, years 0-99 stay years 0-99 (not 1900-1999). */
function utcDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

function partialDateSpan(value: string): Span | null {
  const match = PARTIAL_DATE.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  if (match[2] === undefined) return inRange({ start: utcDay(year, 0, 1), end: utcDay(year + 1, 0, 1) });
  const month = Number(match[2]) - 1;
  if (month < 0 || month > 11) return null;
  if (match[3] === undefined) return inRange({ start: utcDay(year, month, 1), end: utcDay(year, month + 1, 1) });
  const day = Number(match[3]);
  const start = utcDay(year, month, day);
  // The day is rolled over (2025-02-30 into March); reading it back catches it.
  if (day < 1 || new Date(start).getUTCDate() !== day) return null;
  return inRange({ start, end: utcDay(year, month, day + 1) });
}

/** The span, when all of it lies in the range every store and reader handles. */
function inRange(span: Span): Span | null {
  return isStorableInstant(span.start) && isStorableInstant(span.end - 1) ? span : null;
}

function instantSpan(value: string): Span | null {
  const instant = INSTANT.exec(value);
  // Date.parse rolls impossible days over too, so the calendar date is checked first.
  if (!instant || !partialDateSpan(instant[1])) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : inRange({ start: at, end: at + 1 });
}

function spanOf(value: string): Span | null {
  return partialDateSpan(value) ?? instantSpan(value);
}

function requireSpan(value: string): Span {
  const span = spanOf(value);
  if (!span) {
    throw new DomainError(
      'invalid_time',
      `"${value}" is not "YYYY", "YYYY-MM", "YYYY-MM-DD" or an ISO-8601 instant with offset`,
      { value },
    );
  }
  return span;
}

/**
 * Whether a report's `occurredAt` falls on or before `date`, honouring both precisions.
 *
 * A partial `occurredAt` counts from its *start*: "2025-05" is on or before "2025-05-01"
 * and "2025-05-31", but not on or before "2025-04-30" — a report dated only to a month is
 * taken as known from the first day of that month. A partial `date` counts to its *end*:
 * every instant of 2025-05-31 is on or before "2025-05-31". Calendar dates are UTC days.
 *
 * @param occurredAt - "YYYY", "YYYY-MM", "YYYY-MM-DD" or an instant with offset.
 * @param date - the same formats; typically the `validAt` of a query.
 * @throws DomainError `invalid_time` when either value cannot be read.
 */
export function occurredOnOrBefore(occurredAt: string, date: string): boolean {
  return requireSpan(occurredAt).start < requireSpan(date).end;
}

/**
 * Whether `value` is a time {@link occurredOnOrBefore} can read: "YYYY", "YYYY-MM",
 * "YYYY-MM-DD" (a real calendar date) or an ISO-8601 instant with offset.
 */
export function isReportedTime(value: string): boolean {
  return spanOf(value) !== null;
}

/**
 * Whether `value` is an instant: date, time to the minute or the second (a fraction allowed) and
 * `Z` or an offset such as `+03:00`, on a real calendar date. Without the offset the moment would
 * depend on the reader's time zone. The one rule for every instant the APIs and the CLI take.
 */
export function isInstant(value: string): boolean {
  return instantSpan(value) !== null;
}

/**
 * The first instant a reported time covers, as an ISO instant: "2025-05" → "2025-05-01T00:00:00.000Z".
 * Comparing starts orders reports by when they began, the way {@link occurredOnOrBefore} reads them.
 *
 * @throws DomainError `invalid_time` when the value cannot be read.
 */
export function reportedTimeStart(value: string): string {
  return new Date(requireSpan(value).start).toISOString();
}

/** A day given alone, "YYYY-MM-DD", where a recording time is asked for. */
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A recording-time bound of a query, given as an instant or as a plain UTC date "YYYY-MM-DD": the
 * instant as it is (to UTC), or for a date the edge of its day the bound needs — `start`, its
 * first instant (since, from: the whole day counts); `end`, its last millisecond (as of: everything
 * recorded that day counts); `after`, the first instant of the next day (an exclusive to: the
 * whole day counts). `date` is the date given, if one was, so an answer can say how it was read.
 * Undefined for anything else.
 */
export function recordedBound(value: string, edge: 'start' | 'end' | 'after'): { instant: string; date?: string } | undefined {
  if (PLAIN_DATE.test(value)) {
    const span = partialDateSpan(value);
    if (!span) return undefined;
    const at = edge === 'start' ? span.start : edge === 'end' ? span.end - 1 : span.end;
    return isStorableInstant(at) ? { instant: new Date(at).toISOString(), date: value } : undefined;
  }
  return isInstant(value) ? { instant: new Date(value).toISOString() } : undefined;
}
