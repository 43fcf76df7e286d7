import { DomainError } from './domain.error';
import type { Confirmation } from './event.catalogue';
import type { RecordedEvent, Source } from './report.schema';

/** A value a report set, with the report's confirmation so readers can weigh it. */
export interface Fact<T> {
  value: T;
  confirmation: Confirmation;
  eventId: string;
  source: Source;
}

/** Any event but a retraction: what the reducers of each kind apply (a retraction works on the state alone). */
export type ContentEvent = Exclude<RecordedEvent, { type: 'report.retracted' }>;

/** Retracted event id → the retraction that withdrew it and why. */
export type Retracted = Record<string, { by: string; reason: string }>;

/** What every status-stating report contributes to `claims`, whatever it states. */
export interface ClaimBase {
  eventId: string;
  confirmation: Confirmation;
  source: Source;
  recordedAt: string;
  occurredAt?: string;
}

/** Drops keys whose value is undefined, so state and views survive a JSON round trip unchanged. */
export function compact<T extends object>(value: T): T {
  // A loop, not entries/filter/fromEntries: the projector calls this for nearly every report.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

/** The `claims` entry of an event, without what it claims. */
export function claimBaseOf(event: RecordedEvent): ClaimBase {
  return compact({
    eventId: event.id,
    confirmation: event.confirmation,
    source: event.source,
    recordedAt: event.recordedAt,
    occurredAt: event.occurredAt,
  });
}

/** A {@link Fact} set by `event`. */
export function factOf<T>(event: RecordedEvent, value: T): Fact<T> {
  return { value, confirmation: event.confirmation, eventId: event.id, source: event.source };
}

/** The last element, or null: "latest live report" is always the last one left in log order. */
export function last<T>(list: readonly T[]): T | null {
  return list.length === 0 ? null : list[list.length - 1];
}

/** The later of two ISO instants, compared as instants (offsets may differ), kept as written. */
export function later(current: string | null, candidate: string): string {
  if (current === null) return candidate;
  // Two instants as `toISOString` writes them (what the log carries) order as strings.
  if (isCanonicalUtc(candidate) && isCanonicalUtc(current)) return candidate > current ? candidate : current;
  return Date.parse(candidate) > Date.parse(current) ? candidate : current;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ`, as far as ordering needs: a valid RFC 3339 instant of that shape. */
function isCanonicalUtc(instant: string): boolean {
  return instant.length === 24 && instant.charCodeAt(23) === 90 /* Z */ && instant.charCodeAt(10) === 84 /* T */ && instant.charCodeAt(19) === 46 /* . */;
}

/** Distinct values, sorted, so views compare equal whatever order reports arrived in. */
export function sortedUnique(values: Iterable<string>): string[] {
  // Sorted first, then each value kept unless it equals the one before: the reducers call this for
  // nearly every report, mostly with one or two values.
  const sorted = (Array.isArray(values) ? values.slice() : [...values]).sort();
  let kept = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[kept - 1]) sorted[kept++] = sorted[i];
  sorted.length = kept;
  return sorted;
}

/**
 * Which events name each value, e.g. `{ UA: ["e1", "e4"] }`: keys sorted, ids in the order of
 * `entries`, each id once per value.
 */
export function eventIdsByValue(entries: readonly { eventId: string; values: readonly string[] }[]): Record<string, string[]> {
  const byValue = new Map<string, string[]>();
  for (const { eventId, values } of entries) {
    for (const value of new Set(values)) {
      const ids = byValue.get(value) ?? [];
      if (ids[ids.length - 1] !== eventId) ids.push(eventId);
      byValue.set(value, ids);
    }
  }
  return Object.fromEntries([...byValue.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Keeps only the entries not contributed by `eventId`. */
export function without<T extends { eventId: string }>(list: readonly T[], eventId: string): T[] {
  return list.filter((entry) => entry.eventId !== eventId);
}

/**
 * Ends a `switch` over event types: fails to compile when a case is missing, and at run
 * time rejects an event that bypassed validation.
 */
export function assertNeverEvent(event: never): never {
  const type = String((event as { type?: unknown }).type);
  throw new DomainError('unknown_event_type', `no reducer for event type "${type}"`, { type });
}
