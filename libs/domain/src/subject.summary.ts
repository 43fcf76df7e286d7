import { countsAsReported } from './confirmation';
import { ladderBasesOf, levelOf, type CorroborationLevel, type StageBasis } from './corroboration';
import { DomainError } from './domain.error';
import {
  EMPTY_STATUS_FOLD,
  evolveExchange,
  exchangeFoldsOf,
  figureReportsOf,
  foldResult,
  initialExchangeState,
  type ExchangeState,
  type ExchangeStatus,
  type StatusFold,
} from './exchange.projection';
import { headlineOf, searchTextOf, withNames } from './headline';
import { isDisputed, withFigures, type FigureTable } from './figures';
import { isCurrentState, STATE_VERSION } from './state.version';
import {
  evolveNegotiation,
  initialNegotiationState,
  negotiationStatusBasis,
  partyMentions,
  type NegotiationState,
} from './negotiation.projection';
import { negotiationStatusFrom, type NegotiationStatus } from './negotiation-status';
import { last, later, sortedUnique } from './projection.util';
import type { NegotiationStatusReport } from './event.catalogue';
import type { RecordedEvent } from './report.schema';
import { parseSubject, subjectIdOf } from './subject';
import { assertSubjectOf, type StatusView, type SubjectState } from './subject.projection';

/** What the live projection keeps of an exchange: the status folds, not the reports behind them. */
export interface ExchangeSummary {
  kind: 'exchange';
  subject: string;
  /** {@link STATE_VERSION} when written. */
  version: number;
  /** `status`: the fold of the live confirmed claims. */
  confirmed: StatusFold;
  /** `reportedStatus`: the fold of the live claims that are not denied. */
  reported: StatusFold;
  parties: string[];
  /** What each supported stage's corroboration level rests on (bounded: see `StageBasis`). */
  ladder: Partial<Record<ExchangeStatus, StageBasis>>;
  /** The view's `mediators` value, for the ladder's `one-party` level. */
  mediators: string[];
  /** Each figure's value per independence key, for `disputed`: grows with sources, not with reports. */
  figures: FigureTable;
  /** The view's `title`; `names`: what else a list's `q` searches (sources, mediators, venues), distinct. */
  title: string | null;
  names: string[];
  eventCount: number;
  lastRecordedAt: string | null;
}

/** What the live projection keeps of a negotiation. */
export interface NegotiationSummary {
  kind: 'negotiation';
  subject: string;
  /** {@link STATE_VERSION} when written. */
  version: number;
  /** The latest live status report that is not denied. */
  statusReport: { status: NegotiationStatusReport; eventId: string } | null;
  /** Whether a live report says a round was held. */
  held: boolean;
  parties: string[];
  /** As in {@link ExchangeSummary}. */
  title: string | null;
  names: string[];
  eventCount: number;
  lastRecordedAt: string | null;
}

/**
 * The bounded part of a subject's state: exactly what the view row's columns and the status
 * feed need, and what it takes to move them on by one more report. Its size does not grow with
 * the subject's history (parties aside), so the projector writes one small row per subject and
 * batch, however long the story; the full view is replayed from the event index when read.
 */
export type SubjectSummary = ExchangeSummary | NegotiationSummary;

/** The columns of a view row: what lists filter and page on. */
export interface SummaryColumns {
  kind: 'exchange' | 'negotiation';
  status: string | null;
  reportedStatus: string | null;
  /** The corroboration level of the `reportedStatus` stage (exchanges; null otherwise). */
  level: CorroborationLevel | null;
  /** Whether a figure is disputed (exchanges; false otherwise). */
  disputed: boolean;
  parties: string[];
  /** What a list's `q` matches (contract §7.6): see `searchTextOf`. */
  search: string;
  eventCount: number;
  lastRecordedAt: string | null;
}


/** The summary of a subject before its first event. */
export function initialSummary(subject: string): SubjectSummary {
  const { kind } = parseSubject(subject);
  const base = { subject, version: STATE_VERSION, parties: [], title: null, names: [], eventCount: 0, lastRecordedAt: null };
  return kind === 'exchange'
    ? { kind, ...base, confirmed: EMPTY_STATUS_FOLD, reported: EMPTY_STATUS_FOLD, ladder: {}, mediators: [], figures: {} }
    : { kind, ...base, statusReport: null, held: false };
}

/**
 * The summary of a full state: what {@link evolveSummary} reaches from the same events, and the
 * way back after a retraction, which only the full state can undo.
 */
export function summarize(state: SubjectState): SubjectSummary {
  const common = {
    subject: state.subject,
    version: STATE_VERSION,
    title: headlineOf(state.headlines).title,
    names: withNames([], state.named),
    eventCount: state.eventCount,
    lastRecordedAt: state.lastRecordedAt,
  };
  if (state.kind === 'exchange') {
    const { confirmed, reported } = exchangeFoldsOf(state.claims);
    return {
      kind: 'exchange',
      ...common,
      confirmed,
      reported,
      parties: sortedUnique(state.parties.flatMap((p) => p.parties)),
      ladder: ladderBasesOf(state.claims),
      mediators: last(state.mediators)?.value ?? [],
      figures: figureReportsOf(state).reduce(withFigures, {}),
    };
  }
  const { statusReport, firstHeld } = negotiationStatusBasis(state);
  return {
    kind: 'negotiation',
    ...common,
    statusReport: statusReport ? { status: statusReport.status, eventId: statusReport.eventId } : null,
    held: firstHeld !== undefined,
    parties: negotiationParties(state),
  };
}

/**
 * Moves a summary on by one report, as `evolve` moves the full state: the report's contributions
 * are taken from the full reducer applied to an empty state, so the rules live in one place.
 * A retraction cannot be applied to a summary (what it withdraws is not kept here): the caller
 * replays the full state and {@link summarize}s it.
 *
 * @throws DomainError `subject_mismatch`; `retraction_needs_history` for `report.retracted`;
 *   `event_kind_mismatch`/`unknown_event_type` as `evolve`.
 */
export function evolveSummary(summary: SubjectSummary, event: RecordedEvent): SubjectSummary {
  assertSubjectOf(summary.subject, event);
  if (event.type === 'report.retracted') {
    throw new DomainError('retraction_needs_history', `retraction ${event.id} must be applied to the full state of ${event.subject}`, {
      eventId: event.id,
    });
  }
  const eventCount = summary.eventCount + 1;
  const lastRecordedAt = later(summary.lastRecordedAt, event.recordedAt);
  const id = subjectIdOf(summary.subject);
  // One object per report, the summary's fields in their order: the projector moves a summary on
  // for every report it applies.
  if (summary.kind === 'exchange') {
    const own: ExchangeState = evolveExchange(initialExchangeState(summary.subject, id), event);
    const { confirmed, reported } = exchangeFoldsOf(own.claims, summary);
    return {
      ...summary,
      confirmed,
      reported,
      parties: own.parties.length === 0 ? summary.parties : withParties(summary.parties, own.parties.flatMap((p) => p.parties)),
      ladder: ladderBasesOf(own.claims, summary.ladder),
      mediators: last(own.mediators)?.value ?? summary.mediators,
      figures: figureReportsOf(own).reduce(withFigures, summary.figures),
      title: headlineOf(own.headlines).title ?? summary.title,
      names: withNames(summary.names, own.named),
      eventCount,
      lastRecordedAt,
    };
  }
  const own: NegotiationState = evolveNegotiation(initialNegotiationState(summary.subject, id), event);
  const claim = own.claims.find((c) => countsAsReported(c.confirmation));
  const added = negotiationParties(own);
  return {
    ...summary,
    statusReport: claim ? { status: claim.status, eventId: claim.eventId } : summary.statusReport,
    held: summary.held || own.rounds.some((r) => r.state === 'held'),
    parties: withParties(summary.parties, added),
    title: headlineOf(own.headlines).title ?? summary.title,
    names: withNames(summary.names, own.named),
    eventCount,
    lastRecordedAt,
  };
}

/** The status fields, as `toStatusView` derives them from the full state. */
export function summaryStatus(summary: SubjectSummary): StatusView {
  if (summary.kind === 'exchange') {
    return {
      subject: summary.subject,
      kind: 'exchange',
      status: (foldResult(summary.confirmed)?.status ?? null) as ExchangeStatus | null,
      reportedStatus: (foldResult(summary.reported)?.status ?? null) as ExchangeStatus | null,
    };
  }
  return { subject: summary.subject, kind: 'negotiation', status: negotiationStatus(summary) };
}

/** The view row's columns, equal to the same fields of `toView` of the full state. */
export function summaryColumns(summary: SubjectSummary): SummaryColumns {
  const status = summaryStatus(summary);
  const exchange = summary.kind === 'exchange' && status.kind === 'exchange' ? { summary, reportedStatus: status.reportedStatus } : null;
  return {
    kind: summary.kind,
    status: status.status,
    reportedStatus: exchange?.reportedStatus ?? null,
    level: exchange?.reportedStatus
      ? levelOf(exchange.summary.ladder[exchange.reportedStatus], { parties: exchange.summary.parties, mediators: exchange.summary.mediators })
      : null,
    disputed: exchange ? isDisputed(exchange.summary.figures) : false,
    parties: [...summary.parties],
    search: searchTextOf(parseSubject(summary.subject).id, summary.title, summary.parties, summary.names),
    eventCount: summary.eventCount,
    lastRecordedAt: summary.lastRecordedAt,
  };
}

/**
 * A stored summary, or a full state stored before summaries existed (it is summarised). One of
 * another `STATE_VERSION` cannot be moved on (see `isCurrentState`): the caller derives it again
 * from the full state.
 *
 * @throws DomainError `stale_state` for a summary or state of another version.
 */
export function asSummary(stored: SubjectSummary | SubjectState): SubjectSummary {
  if (!isCurrentState(stored)) {
    throw new DomainError('stale_state', `the stored state of ${stored.subject} is of another version; derive it from its events`, {
      subject: stored.subject,
    });
  }
  return 'claims' in stored ? summarize(stored) : stored;
}

function negotiationStatus(summary: NegotiationSummary): NegotiationStatus {
  return negotiationStatusFrom(summary.statusReport?.status, summary.held);
}

/** `parties` (sorted, distinct) with `added`; the same array when they add nothing, as most reports do. */
function withParties(parties: string[], added: readonly string[]): string[] {
  return added.every((p) => parties.includes(p)) ? parties : sortedUnique([...parties, ...added]);
}

/** The parties a negotiation view lists. */
function negotiationParties(state: NegotiationState): string[] {
  return sortedUnique(partyMentions(state).flatMap((n) => n.values));
}
