import { countsAsReported, strongestConfirmation } from './confirmation';
import { DomainError } from './domain.error';
import {
  assertNeverEvent,
  claimBaseOf,
  compact,
  eventIdsByValue,
  last,
  sortedUnique,
  without,
  type ClaimBase,
  type ContentEvent,
  type Retracted,
} from './projection.util';
import { headlineContributionOf, headlineOf, withNamedBy, type HeadlineContribution, type NamedContribution } from './headline';
import { negotiationStatusFrom, type NegotiationStatus } from './negotiation-status';
import { STATE_VERSION } from './state.version';
import type { CeasefireStatus, Confirmation, NegotiationStatusReport } from './event.catalogue';
import type { RecordedEvent, Source } from './report.schema';


/** A live `negotiation.status.reported`, as listed in the view. Denied ones are listed too. */
export interface NegotiationClaim extends ClaimBase {
  status: NegotiationStatusReport;
}

/** What one live report said about a round. */
interface RoundContribution {
  eventId: string;
  round: number;
  state: 'announced' | 'held';
  venue?: string;
  scheduledFor?: string;
  date?: string;
  agenda?: string[];
  delegationLevel?: string;
  outcome?: string;
  parties?: string[];
  confirmation: Confirmation;
  /** The report's occurredAt: a held round's date when no report gives `date`. */
  occurredAt?: string;
}

/** One live proposal, endorsement or rejection of a mediator. */
interface MediationContribution {
  eventId: string;
  mediator: string;
  action: 'proposed' | 'endorsed' | 'rejected';
  by: string;
  party?: string;
  confirmation: Confirmation;
}

/** A live `negotiation.position.stated`. */
export interface PositionEntry {
  eventId: string;
  party: string;
  speaker: string;
  quote: string;
  topic?: string;
  confirmation: Confirmation;
  source: Source;
  occurredAt?: string;
}

/** A live `negotiation.document.announced`. */
export interface DocumentEntry {
  eventId: string;
  title: string;
  by: string;
  round?: number;
  confirmation: Confirmation;
  source: Source;
  occurredAt?: string;
}

/** The latest live ceasefire report. */
export interface CeasefireEntry {
  status: CeasefireStatus;
  confirmation: Confirmation;
  eventId: string;
  source: Source;
}

/**
 * A negotiation's projection state: the live contributions of every non-denied report, in log
 * order and tagged by event id, so a retraction only removes entries. Plain JSON data.
 */
export interface NegotiationState {
  kind: 'negotiation';
  /** {@link STATE_VERSION} when written: a snapshot of another version is not replayed from. */
  version: number;
  subject: string;
  id: string;
  rounds: RoundContribution[];
  mediation: MediationContribution[];
  positions: PositionEntry[];
  documents: DocumentEntry[];
  ceasefire: CeasefireEntry[];
  /** Every live status report, denied ones included (they are listed, not counted). */
  claims: NegotiationClaim[];
  /** Live non-denied `negotiation.described`: the latest gives `title` and `summary`. */
  headlines: HeadlineContribution[];
  /** What each live report adds to what a list's `q` searches (see `namedBy`). */
  named: NamedContribution[];
  retracted: Retracted;
  /** Ids of every retraction seen, so a retraction of a retraction can be recognised and ignored. */
  retractions: string[];
  eventCount: number;
  lastRecordedAt: string | null;
}

/** A round as the view shows it. */
export interface RoundView {
  round: number;
  /** `held` as soon as one live report says so; a later announcement never takes it back. */
  state: 'announced' | 'held';
  venue?: string;
  scheduledFor?: string;
  date?: string;
  /** The items of the latest live announcement that lists an agenda (version 2 of `negotiation.round.announced`; a version 1 string is one item). */
  agenda?: string[];
  delegationLevel?: string;
  outcome?: string;
  parties?: string[];
  /** The strongest desk confirmation among the live reports of the round (contract §7.5). */
  confirmation: Exclude<Confirmation, 'denied'>;
  /** Every live report about this round, in log order. */
  eventIds: string[];
}

/** Who said what about one proposed mediator. */
export interface MediationView {
  mediator: string;
  /** The strongest desk confirmation among the live reports about this mediator (contract §7.5). */
  confirmation: Exclude<Confirmation, 'denied'>;
  proposedBy: Array<{ by: string; eventId: string; confirmation: Confirmation }>;
  endorsedBy: Array<{ by: string; party?: string; eventId: string; confirmation: Confirmation }>;
  rejectedBy: Array<{ by: string; party?: string; eventId: string; confirmation: Confirmation }>;
}

/**
 * The public view of a negotiation (GET /v1/negotiations/:id). Every live report that is not
 * denied counts, whatever its confirmation; denied status reports appear only in `claims`.
 *
 * - `status`: what the latest live non-denied `negotiation.status.reported` says (`resumed` →
 *   `active`); before any, `active` once a round is held, else `scheduled`.
 * - `rounds`: by round number. Held-report fields win over announcement fields (`venue`); a held
 *   round's `date` is the latest live `date` given, else the `occurredAt` of its latest held report.
 * - Rounds, mediators, documents and positions carry a `confirmation` (rounds and mediators: the
 *   strongest among their live reports).
 * - `mediation`: keyed by the mediator string as reported, in order of first live mention.
 * - `parties`: sorted ISO codes of held rounds' parties, position holders and document authors
 *   (not of mediation endorsers, who comment rather than negotiate).
 * - The exchanges agreed in this negotiation are not here: the projector keeps that link
 *   (see `negotiationLinkOf`).
 */
export interface NegotiationView {
  subject: string;
  id: string;
  kind: 'negotiation';
  /** The headline of the latest live non-denied `negotiation.described`; null before any (contract §7.6). */
  title: string | null;
  /** That description's `summary`, null when it gives none. */
  summary: string | null;
  status: NegotiationStatus;
  rounds: RoundView[];
  mediation: MediationView[];
  positions: PositionEntry[];
  documents: DocumentEntry[];
  ceasefire: CeasefireEntry | null;
  parties: string[];
  claims: NegotiationClaim[];
  /**
   * `status`: the report the status rests on (the latest status report, else the first held-round
   * report); `parties`: per party code, the live reports that name it (rounds, then positions, then
   * documents, each in log order). Rounds,
   * mediation, positions, documents, ceasefire and claims carry their own event ids.
   */
  evidence: { status: string | null; parties: Record<string, string[]>; title: string | null };
  retracted: Retracted;
  eventCount: number;
  lastRecordedAt: string | null;
}

/** The state of a negotiation no report has mentioned yet. */
export function initialNegotiationState(subject: string, id: string): NegotiationState {
  return {
    kind: 'negotiation',
    version: STATE_VERSION,
    subject,
    id,
    rounds: [],
    mediation: [],
    positions: [],
    documents: [],
    ceasefire: [],
    claims: [],
    headlines: [],
    named: [],
    retracted: {},
    retractions: [],
    eventCount: 0,
    lastRecordedAt: null,
  };
}

/**
 * Applies one negotiation report (not a retraction: see `evolve`). A denied report counts for
 * nothing; a denied status report is still listed in `claims` so the denial is visible.
 */
export function evolveNegotiation(state: NegotiationState, event: ContentEvent): NegotiationState {
  return withNamedBy(applyNegotiation(state, event), event);
}

function applyNegotiation(state: NegotiationState, event: ContentEvent): NegotiationState {
  const counts = countsAsReported(event.confirmation);
  const { confirmation, occurredAt } = event;
  switch (event.type) {
    case 'negotiation.round.announced': {
      const { round, venue, scheduledFor, agenda } = event.data;
      const entry = compact({ eventId: event.id, round, state: 'announced' as const, venue, scheduledFor, agenda, confirmation, occurredAt });
      return counts ? { ...state, rounds: [...state.rounds, entry] } : state;
    }
    case 'negotiation.round.held': {
      const { round, venue, date, delegationLevel, outcome, parties } = event.data;
      const entry = compact({ eventId: event.id, round, state: 'held' as const, venue, date, delegationLevel, outcome, parties, confirmation, occurredAt });
      return counts ? { ...state, rounds: [...state.rounds, entry] } : state;
    }
    case 'negotiation.mediation.proposed':
      return counts ? withMediation(state, event, 'proposed', event.data) : state;
    case 'negotiation.mediation.endorsed':
      return counts ? withMediation(state, event, 'endorsed', event.data) : state;
    case 'negotiation.mediation.rejected':
      return counts ? withMediation(state, event, 'rejected', event.data) : state;
    case 'negotiation.position.stated': {
      const { party, speaker, quote, topic } = event.data;
      const entry = compact({
        eventId: event.id,
        party,
        speaker,
        quote,
        topic,
        confirmation: event.confirmation,
        source: event.source,
        occurredAt: event.occurredAt,
      });
      return counts ? { ...state, positions: [...state.positions, entry] } : state;
    }
    case 'negotiation.document.announced': {
      const { title, by, round } = event.data;
      const entry = compact({
        eventId: event.id,
        title,
        by,
        round,
        confirmation: event.confirmation,
        source: event.source,
        occurredAt: event.occurredAt,
      });
      return counts ? { ...state, documents: [...state.documents, entry] } : state;
    }
    case 'negotiation.ceasefire.reported': {
      const entry = { status: event.data.status, confirmation: event.confirmation, eventId: event.id, source: event.source };
      return counts ? { ...state, ceasefire: [...state.ceasefire, entry] } : state;
    }
    case 'negotiation.status.reported':
      return { ...state, claims: [...state.claims, { ...claimBaseOf(event), status: event.data.status }] };
    case 'negotiation.described': {
      const headline = headlineContributionOf(event);
      return headline ? { ...state, headlines: [...state.headlines, headline] } : state;
    }
    case 'exchange.proposed':
    case 'exchange.agreed':
    case 'exchange.underway':
    case 'exchange.phase.completed':
    case 'exchange.completed':
    case 'exchange.suspended':
    case 'exchange.cancelled':
    case 'exchange.details.reported':
    case 'exchange.described':
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
export function withoutNegotiationEvent(state: NegotiationState, eventId: string): NegotiationState {
  return {
    ...state,
    rounds: without(state.rounds, eventId),
    mediation: without(state.mediation, eventId),
    positions: without(state.positions, eventId),
    documents: without(state.documents, eventId),
    ceasefire: without(state.ceasefire, eventId),
    claims: without(state.claims, eventId),
    headlines: without(state.headlines, eventId),
    named: without(state.named, eventId),
  };
}

/** Derives the public view from the live contributions. */
export function toNegotiationView(state: NegotiationState): NegotiationView {
  const { status, statusReport, firstHeld } = negotiationStatusBasis(state);
  const named = partyMentions(state);
  const parties = named.flatMap((n) => n.values);
  const headline = headlineOf(state.headlines);
  return {
    subject: state.subject,
    id: state.id,
    kind: 'negotiation',
    title: headline.title,
    summary: headline.summary,
    status,
    rounds: roundsOf(state.rounds),
    mediation: mediationOf(state.mediation),
    positions: state.positions,
    documents: state.documents,
    ceasefire: last(state.ceasefire),
    parties: sortedUnique(parties),
    claims: state.claims,
    evidence: { status: statusReport?.eventId ?? firstHeld?.eventId ?? null, parties: eventIdsByValue(named), title: headline.eventId },
    retracted: state.retracted,
    eventCount: state.eventCount,
    lastRecordedAt: state.lastRecordedAt,
  };
}

/** Only `status` of {@link toNegotiationView}, for callers that need it per event. */
export function negotiationStatusOf(state: NegotiationState): Pick<NegotiationView, 'subject' | 'kind' | 'status'> {
  return { subject: state.subject, kind: 'negotiation', status: negotiationStatusBasis(state).status };
}

/**
 * The reports that name parties, each with the codes it names (held rounds' parties, position
 * holders, document authors), in the order the view's evidence lists them.
 */
export function partyMentions(state: NegotiationState): { eventId: string; values: string[] }[] {
  return [
    ...state.rounds.map((round) => ({ eventId: round.eventId, values: round.parties ?? [] })),
    ...state.positions.map((position) => ({ eventId: position.eventId, values: [position.party] })),
    ...state.documents.map((document) => ({ eventId: document.eventId, values: [document.by] })),
  ];
}

/** The status and what it rests on: the latest live non-denied status report, else the first held round. */
export function negotiationStatusBasis(state: NegotiationState) {
  let statusReport: NegotiationClaim | undefined;
  for (let i = state.claims.length - 1; i >= 0 && !statusReport; i--) if (countsAsReported(state.claims[i].confirmation)) statusReport = state.claims[i];
  const firstHeld = state.rounds.find((round) => round.state === 'held');
  return { status: negotiationStatusFrom(statusReport?.status, firstHeld !== undefined), statusReport, firstHeld };
}

/** Per round, each field from the latest live report setting it; held reports win over announcements. */
function roundsOf(contributions: readonly RoundContribution[]): RoundView[] {
  const numbers = [...new Set(contributions.map((c) => c.round))].sort((a, b) => a - b);
  return numbers.map((round) => {
    const reports = contributions.filter((c) => c.round === round);
    const held = reports.filter((c) => c.state === 'held');
    const announced = reports.filter((c) => c.state === 'announced');
    const latest = <K extends keyof RoundContribution>(field: K, from: readonly RoundContribution[]) =>
      last(from.filter((c) => c[field] !== undefined))?.[field];
    return compact({
      round,
      state: held.length > 0 ? ('held' as const) : ('announced' as const),
      venue: latest('venue', held) ?? latest('venue', announced),
      scheduledFor: latest('scheduledFor', announced),
      date: latest('date', held) ?? latest('occurredAt', held),
      agenda: latest('agenda', announced),
      delegationLevel: latest('delegationLevel', held),
      outcome: latest('outcome', held),
      parties: latest('parties', held),
      // Every round contribution counts (denied ones are never kept), so there is always one.
      confirmation: strongestConfirmation(reports.map((c) => c.confirmation))!,
      eventIds: reports.map((c) => c.eventId),
    });
  });
}

function mediationOf(contributions: readonly MediationContribution[]): MediationView[] {
  const byMediator = new Map<string, MediationView>();
  for (const c of contributions) {
    const view = byMediator.get(c.mediator) ?? { mediator: c.mediator, confirmation: 'unconfirmed', proposedBy: [], endorsedBy: [], rejectedBy: [] };
    byMediator.set(c.mediator, view);
    view.confirmation = strongestConfirmation([view.confirmation, c.confirmation]) ?? view.confirmation;
    if (c.action === 'proposed') view.proposedBy.push({ by: c.by, eventId: c.eventId, confirmation: c.confirmation });
    else {
      const entry = compact({ by: c.by, party: c.party, eventId: c.eventId, confirmation: c.confirmation });
      (c.action === 'endorsed' ? view.endorsedBy : view.rejectedBy).push(entry);
    }
  }
  return [...byMediator.values()];
}

function withMediation(
  state: NegotiationState,
  event: RecordedEvent,
  action: MediationContribution['action'],
  data: { mediator: string; by: string; party?: string | undefined },
): NegotiationState {
  const entry = compact({
    eventId: event.id,
    mediator: data.mediator,
    action,
    by: data.by,
    party: data.party,
    confirmation: event.confirmation,
  });
  return { ...state, mediation: [...state.mediation, entry] };
}
