import { countsAsReported } from './confirmation';
import { compact, last, sortedUnique } from './projection.util';
import type { Confirmation } from './event.catalogue';
import type { RecordedEvent, Source } from './report.schema';

/** One live non-denied `exchange.described`/`negotiation.described` (contract §7.6). */
export interface HeadlineContribution {
  eventId: string;
  title: string;
  summary?: string;
  confirmation: Confirmation;
  source: Source;
}

/** What one live report adds to what a list's `q` searches: its source's names, and the mediators and venue it gives. */
export interface NamedContribution {
  eventId: string;
  names: string[];
}

/** The headline a view shows: the latest live non-denied description. */
export function headlineOf(headlines: readonly HeadlineContribution[]): { title: string | null; summary: string | null; eventId: string | null } {
  const latest = last(headlines);
  return { title: latest?.title ?? null, summary: latest?.summary ?? null, eventId: latest?.eventId ?? null };
}

/** The contribution of a description, or null when it does not count (denied). */
export function headlineContributionOf(
  event: RecordedEvent & { data: { title: string; summary?: string | undefined } },
): HeadlineContribution | null {
  if (!countsAsReported(event.confirmation)) return null;
  const { title, summary } = event.data;
  return compact({ eventId: event.id, title, summary, confirmation: event.confirmation, source: event.source });
}

/**
 * The names a report adds to its subject's search: its source's `name` and `via` whatever its
 * confirmation (a denial is still that source speaking about the story), and the mediators and
 * venue it gives when it counts (a denied report sets neither in the view).
 */
export function namedBy(event: RecordedEvent): NamedContribution | null {
  const names = [event.source.name];
  if (event.source.via !== undefined) names.push(event.source.via);
  if (countsAsReported(event.confirmation)) {
    const data = event.data as { mediators?: unknown; mediator?: unknown; venue?: unknown };
    if (Array.isArray(data.mediators)) names.push(...(data.mediators as string[]));
    if (typeof data.mediator === 'string') names.push(data.mediator);
    if (typeof data.venue === 'string') names.push(data.venue);
  }
  return { eventId: event.id, names: sortedUnique(names.map(searchForm)) };
}

/** `state` with what `event` adds to its subject's search (see {@link namedBy}); `state` itself when it adds nothing. */
export function withNamedBy<S extends { named: NamedContribution[] }>(state: S, event: RecordedEvent): S {
  const named = namedBy(event);
  return named ? { ...state, named: [...state.named, named] } : state;
}

/** Distinct search names of some contributions, added to `into` (sorted, distinct); `into` itself when nothing is new. */
export function withNames(into: string[], named: readonly NamedContribution[]): string[] {
  for (const n of named) {
    for (const name of n.names) if (!into.includes(name)) return sortedUnique([...into, ...named.flatMap((c) => c.names)]);
  }
  return into;
}

/** Lines kept apart so a search never matches across two names. */
const SEPARATOR = '\n';

/**
 * The text a list's `q` is matched against (contract §7.6): the subject's id, title, parties and
 * names (sources, mediators, venues), in {@link searchForm}, one per line. Bounded by the distinct
 * names of a story, not by its number of reports.
 */
export function searchTextOf(id: string, title: string | null, parties: readonly string[], names: readonly string[]): string {
  return [id, ...(title === null ? [] : [title]), ...parties, ...names].map(searchForm).join(SEPARATOR);
}

/**
 * The case-insensitive form of a searched text and of a query: lower case (the same function on
 * both sides, so the database's own notion of case never enters), line breaks as spaces.
 */
export function searchForm(text: string): string {
  return text.toLowerCase().replace(/[\r\n]+/g, ' ');
}
