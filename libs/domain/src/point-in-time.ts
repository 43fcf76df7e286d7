import { DomainError } from './domain.error';
import { isInstant, isReportedTime, occurredOnOrBefore, reportedTimeStart } from './occurred-at';
import type { RecordedEvent } from './report.schema';
import { evolve, initialState, type SubjectState } from './subject.projection';

/**
 * A time-travel question about a subject; either part, both or neither.
 *
 * - `asOf` (transaction time): only events recorded at or before this instant — "what did we
 *   know then".
 * - `validAt` (valid time): only reports that occurred on or before this date, at their own
 *   precision ({@link occurredOnOrBefore}) — "what was the world like then, as far as we know".
 *   A report without `occurredAt` is taken to have occurred when it was recorded. Retractions
 *   always count, whatever their date: a withdrawn report is not part of what we know.
 */
export interface PointInTime {
  /** An ISO-8601 instant with offset. */
  asOf?: string;
  /** "YYYY", "YYYY-MM", "YYYY-MM-DD" or an ISO-8601 instant with offset. */
  validAt?: string;
}

/**
 * What a stored snapshot of a subject's state says about the events folded into it, so a
 * time-travel query can tell whether the snapshot is exactly a prefix of its own replay.
 */
export interface SnapshotBounds {
  /** The latest recordedAt among the folded events (the state's `lastRecordedAt`). */
  maxRecordedAt: string | null;
  /** The latest start of occurrence among the folded reports, retractions left out ({@link occurredUntil}). */
  occurredUntil: string | null;
}

/**
 * @throws DomainError `invalid_time` when `asOf` is not an instant with offset or `validAt` is
 *   not a date or instant {@link occurredOnOrBefore} can read.
 */
export function assertPointInTime(at: PointInTime): void {
  if (at.asOf !== undefined && !isInstant(at.asOf)) {
    throw new DomainError('invalid_time', `asOf "${at.asOf}" is not an ISO-8601 instant with offset`, { value: at.asOf });
  }
  if (at.validAt !== undefined && !isReportedTime(at.validAt)) {
    throw new DomainError('invalid_time', `validAt "${at.validAt}" is not "YYYY", "YYYY-MM", "YYYY-MM-DD" or an instant`, {
      value: at.validAt,
    });
  }
}

/** When a report is taken to have occurred: its `occurredAt`, else when it was recorded. */
export function occurrenceOf(event: RecordedEvent): string {
  return event.occurredAt ?? event.recordedAt;
}

/** Whether the event counts for a question at `at` (see {@link PointInTime}). */
export function isKnownAt(event: RecordedEvent, at: PointInTime): boolean {
  if (at.asOf !== undefined && Date.parse(event.recordedAt) > Date.parse(at.asOf)) return false;
  if (at.validAt !== undefined && event.type !== 'report.retracted' && !occurredOnOrBefore(occurrenceOf(event), at.validAt)) return false;
  return true;
}

/**
 * Folds the subject's events that count at `at`, in log order, onto `from` (by default the
 * subject's initial state). With `from` a snapshot that {@link snapshotServes} `at`, and
 * `events` the ones logged after it, the result equals the replay from the start.
 *
 * @throws DomainError `invalid_time` for an unreadable `at`, and whatever `evolve` throws.
 */
export function replayAt(subject: string, events: readonly RecordedEvent[], at: PointInTime, from?: SubjectState): SubjectState {
  assertPointInTime(at);
  let state = from ?? initialState(subject);
  for (const event of events) if (isKnownAt(event, at)) state = evolve(state, event);
  return state;
}

/**
 * Whether every event folded into a snapshot counts at `at`. Only then is the snapshot the
 * exact prefix of the filtered replay: recordedAt is not monotonic in log order (ingest servers'
 * clocks differ) and reports arrive in any order of occurrence, so a snapshot whose events do
 * not all count must not be used.
 */
export function snapshotServes(bounds: SnapshotBounds, at: PointInTime): boolean {
  if (at.asOf !== undefined && bounds.maxRecordedAt !== null && Date.parse(bounds.maxRecordedAt) > Date.parse(at.asOf)) return false;
  if (at.validAt !== undefined && bounds.occurredUntil !== null && !occurredOnOrBefore(bounds.occurredUntil, at.validAt)) return false;
  return true;
}

/**
 * The latest start of occurrence among `current` (a previous {@link SnapshotBounds.occurredUntil})
 * and the reports among `events`, as an ISO instant; retractions are left out as `validAt`
 * always keeps them.
 */
export function occurredUntil(
  current: string | null,
  events: Iterable<{ type: string; occurredAt?: string | null; recordedAt: string }>,
): string | null {
  let latest = current;
  for (const event of events) {
    if (event.type === 'report.retracted') continue;
    const start = reportedTimeStart(event.occurredAt ?? event.recordedAt);
    if (latest === null || Date.parse(start) > Date.parse(latest)) latest = start;
  }
  return latest;
}
