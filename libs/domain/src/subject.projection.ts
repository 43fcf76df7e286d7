import { countsAsReported } from './confirmation';
import { retractionRefusal } from './retraction';
import { DomainError } from './domain.error';
import {
  evolveExchange,
  exchangeStatusOf,
  initialExchangeState,
  toExchangeView,
  withoutExchangeEvent,
  type ExchangeState,
  type ExchangeStatus,
  type ExchangeView,
} from './exchange.projection';
import {
  evolveNegotiation,
  negotiationStatusOf,
  initialNegotiationState,
  toNegotiationView,
  withoutNegotiationEvent,
  type NegotiationState,
  type NegotiationView,
} from './negotiation.projection';
import type { NegotiationStatus } from './negotiation-status';
import { later } from './projection.util';
import type { RecordedEvent, ReportOf } from './report.schema';
import { parseSubject } from './subject';

/** The projection state of one subject: plain JSON data, stored as JSONB and reloaded. */
export type SubjectState = ExchangeState | NegotiationState;

/** The public view of one subject. */
export type SubjectView = ExchangeView | NegotiationView;

/**
 * The state of a subject before its first event.
 *
 * @throws DomainError `invalid_subject`.
 */
export function initialState(subject: string): SubjectState {
  const { kind, id } = parseSubject(subject);
  return kind === 'exchange' ? initialExchangeState(subject, id) : initialNegotiationState(subject, id);
}

/**
 * Applies one event of the subject. Pure: never mutates `state` or `event`, never reads a
 * clock. The projector, as-of replay, rebuild and verify all call this, so the same events in
 * the same order give the same state whatever the batching.
 *
 * Retractions (`report.retracted`) work on the state alone:
 * - the retracted event's contributions are removed and every field re-derives, so an earlier
 *   phase, status or agreement comes back by itself;
 * - a retraction of an event the state has never seen is recorded in `retracted` and changes
 *   nothing else (whether the event exists is the projector's check, against the event index);
 * - a retraction of a retraction is not allowed by the contract; `validateReport` cannot tell,
 *   so the reducer ignores it (counted in `eventCount`, nothing restored);
 * - a second retraction of an already retracted event is ignored; the first one stands;
 * - an event arriving after its own retraction (only possible when the log was written
 *   around the projector's check) counts as never recorded.
 *
 * @throws DomainError `subject_mismatch` when the event belongs to another subject;
 *   `event_kind_mismatch`/`unknown_event_type` for events that bypassed validation.
 */
export function evolve(state: SubjectState, event: RecordedEvent): SubjectState {
  assertSubjectOf(state.subject, event);
  const counted = counting(state, event);
  if (Object.hasOwn(counted.retracted, event.id)) return counted;
  if (event.type === 'report.retracted') return retract(counted, event);
  return counted.kind === 'exchange' ? evolveExchange(counted, event) : evolveNegotiation(counted, event);
}

/**
 * Refuses an event of another subject.
 *
 * @throws DomainError `subject_mismatch`.
 */
export function assertSubjectOf(subject: string, event: RecordedEvent): void {
  if (event.subject === subject) return;
  throw new DomainError('subject_mismatch', `event ${event.id} is about ${event.subject}, not ${subject}`, {
    expected: subject,
    actual: event.subject,
    eventId: event.id,
  });
}

/** Folds a subject's events, in log order, from its initial state. */
export function replay(subject: string, events: readonly RecordedEvent[]): SubjectState {
  return events.reduce<SubjectState>(evolve, initialState(subject));
}

/** The public view of a state. */
export function toView(state: ExchangeState): ExchangeView;
export function toView(state: NegotiationState): NegotiationView;
export function toView(state: SubjectState): SubjectView;
export function toView(state: SubjectState): SubjectView {
  return state.kind === 'exchange' ? toExchangeView(state) : toNegotiationView(state);
}

/** The fields {@link statusChanges} compares; every view is one. */
export type StatusView =
  | Pick<ExchangeView, 'subject' | 'kind' | 'status' | 'reportedStatus'>
  | Pick<NegotiationView, 'subject' | 'kind' | 'status'>;

/** The status fields of a state's view, derived as `toView` derives them, without the rest of the view. */
export function toStatusView(state: SubjectState): StatusView {
  return state.kind === 'exchange' ? exchangeStatusOf(state) : negotiationStatusOf(state);
}

/** One change of a status field between two views, for the status-change feed. */
export type StatusChange =
  | { field: 'status' | 'reportedStatus'; from: ExchangeStatus | null; to: ExchangeStatus | null }
  | { field: 'status'; from: NegotiationStatus; to: NegotiationStatus };

/**
 * The status fields that differ from `before` to `after` (exchanges: `status`, then
 * `reportedStatus`; negotiations: `status`). For a subject's first event pass the view of
 * its {@link initialState}.
 *
 * @throws DomainError `view_mismatch` when the views are of different subjects.
 */
export function statusChanges(before: StatusView, after: StatusView): StatusChange[] {
  if (before.subject !== after.subject || before.kind !== after.kind) {
    throw new DomainError('view_mismatch', `cannot compare ${before.subject} with ${after.subject}`, {
      before: before.subject,
      after: after.subject,
    });
  }
  if (before.kind === 'negotiation' && after.kind === 'negotiation') {
    return before.status === after.status ? [] : [{ field: 'status', from: before.status, to: after.status }];
  }
  if (before.kind === 'exchange' && after.kind === 'exchange') {
    const changes: StatusChange[] = [];
    if (before.status !== after.status) changes.push({ field: 'status', from: before.status, to: after.status });
    if (before.reportedStatus !== after.reportedStatus) {
      changes.push({ field: 'reportedStatus', from: before.reportedStatus, to: after.reportedStatus });
    }
    return changes;
  }
  return [];
}

/**
 * The negotiation an `exchange.agreed` event links its exchange to, for the projector's link
 * table (a negotiation's `exchanges`). Null for other events and for denied agreements, which
 * count for nothing; when the event is later retracted the projector drops its link.
 */
export function negotiationLinkOf(event: RecordedEvent): { negotiation: string; exchange: string } | null {
  if (event.type !== 'exchange.agreed' || !countsAsReported(event.confirmation) || !event.data.negotiation) return null;
  return { negotiation: event.data.negotiation, exchange: event.subject };
}

function counting<S extends SubjectState>(state: S, event: RecordedEvent): S {
  return { ...state, eventCount: state.eventCount + 1, lastRecordedAt: later(state.lastRecordedAt, event.recordedAt) };
}


function retract(state: SubjectState, event: RecordedEvent & ReportOf<'report.retracted'>): SubjectState {
  const target = event.data.eventId;
  const seen = { ...state, retractions: [...state.retractions, event.id] };
  // The state holds only same-subject events and cannot tell an unknown one: it presumes the target
  // exists (the projector's check), and knows which ids are retractions and what is withdrawn.
  const known = {
    subject: state.subject,
    type: target === event.id || state.retractions.includes(target) ? 'report.retracted' : 'report',
    retractedBy: Object.hasOwn(state.retracted, target) ? state.retracted[target].by : null,
  };
  if (retractionRefusal(event, known)) return seen;
  const retracted = { ...state.retracted, [target]: { by: event.id, reason: event.data.reason } };
  return seen.kind === 'exchange'
    ? withoutExchangeEvent({ ...seen, retracted }, target)
    : withoutNegotiationEvent({ ...seen, retracted }, target);
}
