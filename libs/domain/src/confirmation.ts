/**
 * @packageDocumentation
 * What a desk's `confirmation` counts for. This table is the whole rule; every view derives from
 * these functions and nowhere else.
 *
 * | confirmation  | exchange `status` | exchange `reportedStatus`, `claims` weight | negotiation fields | figures (`released`, disputes) |
 * |---------------|-------------------|---------------------------------------------|--------------------|--------------------------------|
 * | `confirmed`   | counts            | counts                                      | counts             | counts                         |
 * | `reported`    | —                 | counts                                      | counts             | —                              |
 * | `claimed`     | —                 | counts                                      | counts             | —                              |
 * | `unconfirmed` | —                 | counts                                      | counts             | —                              |
 * | `denied`      | —                 | listed in `claims`, counts for nothing else; denies its own stage (corroboration) | listed in `claims` only | — |
 *
 * How well-founded a stage is, whoever the desk is, is a separate question: the corroboration
 * ladder (`corroboration.ts`) answers it from {@link officialPartyOf} and {@link independenceKey}.
 */
import type { Confirmation } from './event.catalogue';
import type { Source } from './report.schema';

/** Whether a report with this confirmation counts for a confirmed field: exchange `status`, `released` and its figures. */
export function countsAsConfirmed(confirmation: Confirmation): boolean {
  return confirmation === 'confirmed';
}

/**
 * Whether a report with this confirmation counts at all: exchange `reportedStatus`, parties, terms
 * and details, every negotiation field. Only a denial says the thing did not happen.
 */
export function countsAsReported(confirmation: Confirmation): boolean {
  return confirmation !== 'denied';
}

/** Confirmations that count, strongest first: `confirmed` > `reported` > `claimed` > `unconfirmed`. */
const STRENGTH: Readonly<Record<Confirmation, number>> = { confirmed: 4, reported: 3, claimed: 2, unconfirmed: 1, denied: 0 };

/**
 * The strongest desk confirmation among some live reports (contract §7.5), or null when none
 * counts. A negotiation's round, mediation proposal, document or position carries it.
 */
export function strongestConfirmation(confirmations: Iterable<Confirmation>): Exclude<Confirmation, 'denied'> | null {
  let best: Confirmation | null = null;
  for (const c of confirmations) if (countsAsReported(c) && (best === null || STRENGTH[c] > STRENGTH[best])) best = c;
  return best as Exclude<Confirmation, 'denied'> | null;
}

/** Source kinds whose statements speak for their `party`. */
const OFFICIAL_KINDS: ReadonlySet<Source['kind']> = new Set(['official', 'government']);

/**
 * The party a report is an **official statement** of (contract §7.1): `source.party` when the
 * source's kind is `official` or `government`, else null. A party's military sources or media
 * speak about it, not for it.
 */
export function officialPartyOf(source: Pick<Source, 'kind' | 'party'>): string | null {
  return source.party !== undefined && OFFICIAL_KINDS.has(source.kind) ? source.party : null;
}

/**
 * A source's **independence key** (contract §7.1): `via` when present, else `name`, trimmed and
 * lower-cased. Reports with the same key are one source however many desks relay it, so two
 * desks citing TASS add nothing to each other.
 */
export function independenceKey(source: Pick<Source, 'name' | 'via'>): string {
  return (source.via ?? source.name).trim().toLowerCase();
}
