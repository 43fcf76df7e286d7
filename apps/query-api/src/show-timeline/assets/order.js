// The order of a story's timeline: by when things happened (occurredAt, at its own precision),
// when they were recorded second; or record order, as the log has it. Pure, tested by jest.
import { fmtInstant } from './time.js';

const PARTIAL = /^(\d{4})(?:-(\d\d)(?:-(\d\d))?)?$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function utc(year, month, day) {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime();
}

/**
 * The span `[start, end)` in epoch ms a reported time covers, as the API reads occurredAt: "2025"
 * a year, "2025-05" a month, "2025-05-23" a whole UTC day (not its midnight), an instant one
 * millisecond. Null when it is none of these.
 */
export function spanOf(value) {
  const m = PARTIAL.exec(String(value));
  if (m) {
    const year = Number(m[1]);
    if (m[2] === undefined) return { start: utc(year, 0, 1), end: utc(year + 1, 0, 1), precision: 'year' };
    const month = Number(m[2]) - 1;
    if (m[3] === undefined) return { start: utc(year, month, 1), end: utc(year, month + 1, 1), precision: 'month' };
    const start = utc(year, month, Number(m[3]));
    return { start, end: utc(year, month, Number(m[3]) + 1), precision: 'day' };
  }
  const t = Date.parse(value);
  return /T/.test(value) && !Number.isNaN(t) ? { start: t, end: t + 1, precision: 'instant' } : null;
}

/** When a report is taken to have happened: its occurredAt, else when it was recorded (as the API does). */
export const occurrenceOf = (e) => e.occurredAt || e.recordedAt;

/**
 * Happened-first order. A coarse time comes before the finer times inside it (the day of
 * 23 May before 23 May 10:00, May before 1 May): it is the whole period, begun before any moment
 * of it is over. Equal occurrences keep record order.
 */
export function byOccurrence(a, b) {
  const [sa, sb] = [spanOf(occurrenceOf(a)), spanOf(occurrenceOf(b))];
  if (sa && sb) {
    if (sa.start !== sb.start) return sa.start - sb.start;
    if (sa.end !== sb.end) return sb.end - sa.end;
  }
  return byRecord(a, b);
}

/** Record order: recordedAt, then the position on the log when two share a millisecond. */
export function byRecord(a, b) {
  const d = Date.parse(a.recordedAt) - Date.parse(b.recordedAt);
  if (d !== 0) return d;
  return (a.index ?? 0) - (b.index ?? 0);
}

/** The events in `mode` order ('occurred' or 'recorded'), as a new list; the history's own order breaks ties. */
export function orderTimeline(events, mode) {
  const indexed = events.map((e, index) => ({ ...e, index }));
  indexed.sort(mode === 'recorded' ? byRecord : byOccurrence);
  return indexed;
}

/**
 * Whether a report counts for "happened by" `date` (the API's validAt): it began on or before that
 * date's end, at both precisions; a retraction always counts, a withdrawn report being no part of
 * what is known.
 */
export function happenedBy(e, date) {
  if (!date || e.type === 'report.retracted') return true;
  const [span, by] = [spanOf(occurrenceOf(e)), spanOf(date)];
  return !span || !by || span.start < by.end;
}

/**
 * When it happened, in words at its own precision: "on 2025-05-23", "in May 2025", "in 2025",
 * "at 2025-05-23 10:00:00 UTC"; undated reports say so.
 */
export function occurredWords(e) {
  if (!e.occurredAt) return 'undated: taken as when recorded';
  const span = spanOf(e.occurredAt);
  if (!span) return `occurred ${e.occurredAt}`;
  if (span.precision === 'day') return `on ${e.occurredAt}`;
  if (span.precision === 'month') return `in ${MONTHS[Number(e.occurredAt.slice(5, 7)) - 1]} ${e.occurredAt.slice(0, 4)}`;
  if (span.precision === 'year') return `in ${e.occurredAt}`;
  return `at ${fmtInstant(e.occurredAt)}`;
}
