import { DomainError } from './domain.error';
import {
  assertNeverEvent,
  claimBaseOf,
  compact,
  eventIdsByValue,
  factOf,
  last,
  sortedUnique,
  without,
  type ClaimBase,
  type ContentEvent,
  type Fact,
  type Retracted,
} from './projection.util';
import { countsAsConfirmed, countsAsReported } from './confirmation';
import { corroborationOf, type Corroboration } from './corroboration';
import { HALTS, MOVES_ON, STATUS_RANK as RANK, type ExchangeStatus } from './exchange.lifecycle';
import { headlineContributionOf, headlineOf, withNamedBy, type HeadlineContribution, type NamedContribution } from './headline';
import { resolveFigures, type Dispute, type FigureReport, type ReleasedBy } from './figures';
import type { Confirmation } from './event.catalogue';
import type { RecordedEvent } from './report.schema';
import { STATE_VERSION } from './state.version';

export { EXCHANGE_STATUSES, type ExchangeStatus } from './exchange.lifecycle';
export type { ReleasedBy } from './figures';

/**
 * A live report stating an exchange's status, as listed in the view. Denied ones are listed too.
 * An `exchange.phase.completed` states `underway` and carries its `phase`.
 */
export interface ExchangeClaim extends ClaimBase {
  status: ExchangeStatus;
  phase?: number;
}

/** One live `exchange.proposed`/`exchange.agreed` carrying numbers. */
interface TermsContribution {
  eventId: string;
  stage: 'proposed' | 'agreed';
  releasedBy: ReleasedBy;
  confirmation: Confirmation;
}

/** One live confirmed `exchange.phase.completed`. */
type PhaseContribution = FigureReport & { phase: number };

/**
 * An exchange's projection state: for every derived fact, the live contributions of the
 * reports behind it, in log order and tagged by event id. A retraction removes one event's
 * contributions; {@link toExchangeView} derives everything from what is left, so no
 * history is needed. Plain JSON data.
 */
export interface ExchangeState {
  kind: 'exchange';
  /** {@link STATE_VERSION} when written: a snapshot of another version is not replayed from. */
  version: number;
  subject: string;
  id: string;
  /** Every live status-stating report, denied ones included. */
  claims: ExchangeClaim[];
  /** Parties named by each live non-denied report (in `parties` or `releasedBy`). */
  parties: Array<{ eventId: string; parties: string[] }>;
  /** Live non-denied proposed/agreed reports that carry `releasedBy`. */
  terms: TermsContribution[];
  /** Live confirmed phase reports; a later one of the same phase supersedes, an earlier one returns if it is retracted. */
  phases: PhaseContribution[];
  /** Live confirmed `exchange.completed` reports that carry totals. */
  totals: FigureReport[];
  location: Array<Fact<string>>;
  mediators: Array<Fact<string[]>>;
  expectedDays: Array<Fact<number>>;
  /** Live non-denied `exchange.agreed` naming a negotiation. */
  negotiation: Array<{ eventId: string; value: string }>;
  /** Live non-denied `exchange.described`: the latest gives `title` and `summary`. */
  headlines: HeadlineContribution[];
  /** What each live report adds to what a list's `q` searches (see `namedBy`). */
  named: NamedContribution[];
  retracted: Retracted;
  /** Ids of every retraction seen, so a retraction of a retraction can be recognised and ignored. */
  retractions: string[];
  eventCount: number;
  lastRecordedAt: string | null;
}

/**
 * The public view of an exchange (GET /v1/exchanges/:id).
 *
 * - `status`: highest-ranked status among live `confirmed` reports, or `suspended`/`cancelled`
 *   while a live confirmed halt has not been followed (in log order) by a confirmed
 *   `underway`/`completed`; null when nothing is confirmed.
 * - `reportedStatus`: the same over every live report that is not `denied`.
 * - `agreed`: the numbers of the latest live `exchange.agreed` carrying `releasedBy`, else of
 *   the latest such `exchange.proposed`; `stage` says which.
 * - `released`: per party, the larger of the sum of its confirmed phase figures and its confirmed
 *   `exchange.completed` total; each figure is the lowest value its sources give (see `disputes`),
 *   one value per independence key, the latest (a correction replaces the earlier).
 * - `corroboration`: per stage a live report supports or denies, how well-founded it is
 *   (`corroboration.ts`), independently of the desks' `confirmation`.
 * - `disputes`: the figures whose sources disagree, with every value and the one shown.
 * - `location`/`mediators`/`expectedDays`: from the latest live non-denied report setting
 *   each, with that report's confirmation and source.
 * - `evidence`: the event each derived field rests on (see {@link toExchangeView}).
 * - `eventCount` counts every event of the subject, retractions included.
 */
export interface ExchangeView {
  subject: string;
  id: string;
  kind: 'exchange';
  /** The headline of the latest live non-denied `exchange.described`; null before any (contract §7.6). */
  title: string | null;
  /** That description's `summary`, null when it gives none. */
  summary: string | null;
  status: ExchangeStatus | null;
  reportedStatus: ExchangeStatus | null;
  /** ISO codes named by live non-denied reports, sorted. */
  parties: string[];
  agreed: { stage: 'proposed' | 'agreed'; releasedBy: ReleasedBy; eventId: string; confirmation: Confirmation } | null;
  released: ReleasedBy;
  /** The confirmed phases by phase number, each party's figure as shown (the lowest when disputed). */
  phases: Array<{ phase: number; releasedBy: ReleasedBy; date?: string; eventId: string }>;
  corroboration: Corroboration;
  disputes: Dispute[];
  location: Fact<string> | null;
  mediators: Fact<string[]> | null;
  expectedDays: Fact<number> | null;
  /** The negotiation subject this exchange was agreed in, from the latest live agreement naming one. */
  negotiation: string | null;
  claims: ExchangeClaim[];
  evidence: {
    status: string | null;
    reportedStatus: string | null;
    released: string[];
    /** The agreement `negotiation` comes from. */
    negotiation: string | null;
    /** Per party code, the live reports that name it, in log order. */
    parties: Record<string, string[]>;
    /** The description `title` and `summary` come from. */
    title: string | null;
  };
  retracted: Retracted;
  eventCount: number;
  /** Latest server time an event of this subject was recorded; null before any. */
  lastRecordedAt: string | null;
}

/** The state of an exchange no report has mentioned yet. */
export function initialExchangeState(subject: string, id: string): ExchangeState {
  return {
    kind: 'exchange',
    version: STATE_VERSION,
    subject,
    id,
    claims: [],
    parties: [],
    terms: [],
    phases: [],
    totals: [],
    location: [],
    mediators: [],
    expectedDays: [],
    negotiation: [],
    headlines: [],
    named: [],
    retracted: {},
    retractions: [],
    eventCount: 0,
    lastRecordedAt: null,
  };
}

/**
 * Applies one exchange report (not a retraction: see `evolve`). Denied reports are listed in
 * `claims` and count for nothing else — not status, numbers, parties, location or mediators —
 * since a denial says the thing did not happen. Phases and totals count only when confirmed.
 */
export function evolveExchange(state: ExchangeState, event: ContentEvent): ExchangeState {
  return withNamedBy(applyExchange(state, event), event);
}

function applyExchange(state: ExchangeState, event: ContentEvent): ExchangeState {
  const counts = countsAsReported(event.confirmation);
  switch (event.type) {
    case 'exchange.proposed':
    case 'exchange.agreed': {
      const stage = event.type === 'exchange.agreed' ? 'agreed' : 'proposed';
      let next = withClaim(state, event, stage);
      if (!counts) return next;
      const { releasedBy } = event.data;
      next = withParties(next, event.id, [...event.data.parties, ...Object.keys(releasedBy ?? {})]);
      if (releasedBy) {
        next = { ...next, terms: [...next.terms, { eventId: event.id, stage, releasedBy, confirmation: event.confirmation }] };
      }
      if (event.type === 'exchange.agreed') {
        const { negotiation, mediators } = event.data;
        if (negotiation) next = { ...next, negotiation: [...next.negotiation, { eventId: event.id, value: negotiation }] };
        if (mediators) next = { ...next, mediators: [...next.mediators, factOf(event, mediators)] };
      }
      return next;
    }
    case 'exchange.underway': {
      const next = withClaim(state, event, 'underway');
      return counts ? withDetails(next, event, event.data) : next;
    }
    case 'exchange.details.reported':
      return counts ? withDetails(state, event, event.data) : state;
    case 'exchange.phase.completed': {
      const { phase, releasedBy, date } = event.data;
      // A phase released is the exchange under way (contract §7.2, fix).
      let next = withClaim(state, event, 'underway', phase);
      if (!counts) return next;
      next = withParties(next, event.id, Object.keys(releasedBy));
      if (!countsAsConfirmed(event.confirmation)) return next;
      return { ...next, phases: [...next.phases, compact({ eventId: event.id, source: event.source, phase, releasedBy, date })] };
    }
    case 'exchange.completed': {
      let next = withClaim(state, event, 'completed');
      const { releasedBy } = event.data;
      if (!counts || !releasedBy) return next;
      next = withParties(next, event.id, Object.keys(releasedBy));
      if (!countsAsConfirmed(event.confirmation)) return next;
      return { ...next, totals: [...next.totals, { eventId: event.id, source: event.source, releasedBy }] };
    }
    case 'exchange.suspended':
      return withClaim(state, event, 'suspended');
    case 'exchange.cancelled':
      return withClaim(state, event, 'cancelled');
    case 'exchange.described': {
      const headline = headlineContributionOf(event);
      return headline ? { ...state, headlines: [...state.headlines, headline] } : state;
    }
    case 'negotiation.round.announced':
    case 'negotiation.round.held':
    case 'negotiation.mediation.proposed':
    case 'negotiation.mediation.endorsed':
    case 'negotiation.mediation.rejected':
    case 'negotiation.position.stated':
    case 'negotiation.document.announced':
    case 'negotiation.ceasefire.reported':
    case 'negotiation.status.reported':
    case 'negotiation.described':
      throw new DomainError('event_kind_mismatch', `${event.type} cannot apply to ${state.subject}`, {
        subject: state.subject,
        type: event.type,
        eventId: event.id,
      });
    default:
      return assertNeverEvent(event);
  }
}

/** Removes everything event `eventId` contributed; the view re-derives from the rest. */
export function withoutExchangeEvent(state: ExchangeState, eventId: string): ExchangeState {
  return {
    ...state,
    claims: without(state.claims, eventId),
    parties: without(state.parties, eventId),
    terms: without(state.terms, eventId),
    phases: without(state.phases, eventId),
    totals: without(state.totals, eventId),
    location: without(state.location, eventId),
    mediators: without(state.mediators, eventId),
    expectedDays: without(state.expectedDays, eventId),
    negotiation: without(state.negotiation, eventId),
    headlines: without(state.headlines, eventId),
    named: without(state.named, eventId),
  };
}

/**
 * Derives the public view from the live contributions.
 *
 * `evidence.status`/`evidence.reportedStatus` name the report the value rests on: the halting
 * report while suspended/cancelled, otherwise the earliest counting report that reached the
 * current rank. `evidence.released` lists the phase reports summed, or the one total used;
 * `evidence.negotiation` and `evidence.parties` name the reports behind those fields. Every other
 * fact (`agreed`, `phases`, `location`, `mediators`, `expectedDays`, `claims`) carries its own `eventId`.
 */
export function toExchangeView(state: ExchangeState): ExchangeView {
  const { status, reportedStatus } = statusesOf(state);
  const released = releasedOf(state);
  const terms = last(state.terms.filter((t) => t.stage === 'agreed')) ?? last(state.terms);
  const parties = partiesOf(state);
  const mediators = last(state.mediators);
  const headline = headlineOf(state.headlines);
  return {
    subject: state.subject,
    id: state.id,
    kind: 'exchange',
    title: headline.title,
    summary: headline.summary,
    status: status?.status ?? null,
    reportedStatus: reportedStatus?.status ?? null,
    parties,
    agreed: terms
      ? { stage: terms.stage, releasedBy: terms.releasedBy, eventId: terms.eventId, confirmation: terms.confirmation }
      : null,
    released: released.released,
    phases: released.phases,
    corroboration: corroborationOf(state.claims, { parties, mediators: mediators?.value ?? [] }),
    disputes: released.disputes,
    location: last(state.location),
    mediators,
    expectedDays: last(state.expectedDays),
    negotiation: last(state.negotiation)?.value ?? null,
    claims: state.claims,
    evidence: {
      status: status?.eventId ?? null,
      reportedStatus: reportedStatus?.eventId ?? null,
      released: released.evidence,
      negotiation: last(state.negotiation)?.eventId ?? null,
      parties: eventIdsByValue(state.parties.map((p) => ({ eventId: p.eventId, values: p.parties }))),
      title: headline.eventId,
    },
    retracted: state.retracted,
    eventCount: state.eventCount,
    lastRecordedAt: state.lastRecordedAt,
  };
}

/**
 * Only `status` and `reportedStatus` of {@link toExchangeView}, for callers that need them per
 * event (the projector's status changes) without deriving the whole view each time.
 */
export function exchangeStatusOf(state: ExchangeState): Pick<ExchangeView, 'subject' | 'kind' | 'status' | 'reportedStatus'> {
  const { status, reportedStatus } = statusesOf(state);
  return { subject: state.subject, kind: 'exchange', status: status?.status ?? null, reportedStatus: reportedStatus?.status ?? null };
}

function statusesOf(state: ExchangeState) {
  const { confirmed, reported } = exchangeFoldsOf(state.claims);
  return { status: foldResult(confirmed), reportedStatus: foldResult(reported) };
}

/** A status and the report it rests on. */
export interface StatusMark {
  status: ExchangeStatus;
  eventId: string;
}

/**
 * Where the fold of one status field stands after some claims, in log order. The best ranked
 * status only rises (a late report of an earlier stage never moves it back); a halt
 * (suspended/cancelled) overrides it until a later counting `underway` or `completed` moves it
 * on — to the best rank reached, so "completed, suspended, underway" ends completed.
 */
export interface StatusFold {
  best: StatusMark | null;
  halt: StatusMark | null;
}

/** The fold before any claim. */
export const EMPTY_STATUS_FOLD: StatusFold = Object.freeze({ best: null, halt: null });

/** The fold after one more claim that counts for the field. */
export function foldClaim(fold: StatusFold, claim: Pick<ExchangeClaim, 'status' | 'eventId'>): StatusFold {
  const mark = { status: claim.status, eventId: claim.eventId };
  if (HALTS.has(claim.status)) return { ...fold, halt: mark };
  const best = !fold.best || RANK[claim.status] > RANK[fold.best.status] ? mark : fold.best;
  return { best, halt: MOVES_ON.has(claim.status) ? null : fold.halt };
}

/** The field's value: the halt while one stands, else the best rank reached. */
export function foldResult(fold: StatusFold): StatusMark | null {
  return fold.halt ?? fold.best;
}

/** Folds claims, in log order, into `status` (confirmed ones) and `reportedStatus` (all but denied). */
export function exchangeFoldsOf(
  claims: readonly Pick<ExchangeClaim, 'status' | 'eventId' | 'confirmation'>[],
  from: { confirmed: StatusFold; reported: StatusFold } = { confirmed: EMPTY_STATUS_FOLD, reported: EMPTY_STATUS_FOLD },
): { confirmed: StatusFold; reported: StatusFold } {
  let { confirmed, reported } = from;
  for (const claim of claims) {
    if (countsAsConfirmed(claim.confirmation)) confirmed = foldClaim(confirmed, claim);
    if (countsAsReported(claim.confirmation)) reported = foldClaim(reported, claim);
  }
  return { confirmed, reported };
}

/** The live confirmed phase and total reports, in log order. */
export function figureReportsOf(state: Pick<ExchangeState, 'phases' | 'totals' | 'claims'>): FigureReport[] {
  if (state.totals.length === 0) return state.phases;
  if (state.phases.length === 0) return state.totals;
  // Phases and totals are kept apart; their claims (every one has one) give the order they came in.
  const order = new Map(state.claims.map((c, i) => [c.eventId, i]));
  return [...state.phases, ...state.totals].sort((a, b) => (order.get(a.eventId) ?? 0) - (order.get(b.eventId) ?? 0));
}

function releasedOf(state: ExchangeState) {
  return resolveFigures(figureReportsOf(state));
}

/** The parties a view lists: every code named by a live non-denied report, sorted. */
export function partiesOf(state: Pick<ExchangeState, 'parties'>): string[] {
  return sortedUnique(state.parties.flatMap((p) => p.parties));
}

function withClaim(state: ExchangeState, event: RecordedEvent, status: ExchangeStatus, phase?: number): ExchangeState {
  // Completed in place: the base is made for this claim.
  const claim = claimBaseOf(event) as ExchangeClaim;
  claim.status = status;
  if (phase !== undefined) claim.phase = phase;
  return { ...state, claims: [...state.claims, claim] };
}

function withParties(state: ExchangeState, eventId: string, parties: string[]): ExchangeState {
  if (parties.length === 0) return state;
  return { ...state, parties: [...state.parties, { eventId, parties: sortedUnique(parties) }] };
}

function withDetails(
  state: ExchangeState,
  event: RecordedEvent,
  details: { location?: string | undefined; mediators?: string[] | undefined; expectedDays?: number | undefined },
): ExchangeState {
  let next = state;
  if (details.location !== undefined) next = { ...next, location: [...next.location, factOf(event, details.location)] };
  if (details.mediators !== undefined) next = { ...next, mediators: [...next.mediators, factOf(event, details.mediators)] };
  if (details.expectedDays !== undefined) {
    next = { ...next, expectedDays: [...next.expectedDays, factOf(event, details.expectedDays)] };
  }
  return next;
}
