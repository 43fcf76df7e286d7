import { countsAsReported } from './confirmation';
import { CORROBORATION_LEVELS, levelOf, type CorroborationLevel } from './corroboration';
import type { ExchangeStatus } from './exchange.lifecycle';
import { compareFacts, type FigureTable } from './figures';
import type { Confirmation, EventType } from './event.catalogue';
import type { Source } from './report.schema';
import { statusChanges, type StatusView } from './subject.projection';
import type { SubjectSummary } from './subject.summary';

/** The kinds of change the status-change feed carries (contract §5, §7.4), its `field`. */
export const CHANGE_FIELDS = ['status', 'reportedStatus', 'corroboration', 'dispute'] as const;
/** One of {@link CHANGE_FIELDS}. */
export type ChangeField = (typeof CHANGE_FIELDS)[number];

/** The event that caused a change, as a change names it. */
export interface ChangeCause {
  eventId: string;
  type: EventType;
  confirmation: Confirmation;
  source: Source;
}

/** What a report said, as far as a reason sentence tells it. */
export interface ReportGist {
  type: string;
  source: Source;
  confirmation: Confirmation;
  data?: unknown;
}

/** The retracted report behind a change caused by a retraction. */
export interface RetractedGist {
  eventId: string;
  /** Null when the report is no longer known (an in-memory replay without its content or claim). */
  report: ReportGist | null;
  /** The retraction's `data.reason`. */
  reason: string;
}

interface ChangeBase {
  /** Deterministic, so a change delivered twice is recognisable. */
  id: string;
  cause: ChangeCause;
  /**
   * The corroboration level of the stage `to` names (a corroboration change: `to` itself); null
   * when `to` is null or names no stage of an exchange (a negotiation's status, a dispute).
   */
  level: CorroborationLevel | null;
  /** Plain English naming the cause's source and, after a retraction, the retracted report's source and the reason. */
  reason: string;
}

/** A change of `status`/`reportedStatus` (id `<causedBy>:<field>`). */
export interface StatusFieldChange extends ChangeBase {
  field: 'status' | 'reportedStatus';
  from: string | null;
  to: string | null;
}

/** The level of the `reportedStatus` stage changed while `reportedStatus` did not (id `<causedBy>:corroboration`). */
export interface CorroborationChange extends ChangeBase {
  field: 'corroboration';
  stage: ExchangeStatus;
  from: CorroborationLevel | null;
  to: CorroborationLevel | null;
}

/** A dispute opened (`from` null), changed, or ended (`to` null): its distinct values, ascending (id `<causedBy>:dispute:<fact>`). */
export interface DisputeChange extends ChangeBase {
  field: 'dispute';
  fact: string;
  from: number[] | null;
  to: number[] | null;
}

/** One change of the feed with its cause, level and reason (contract §7.4). */
export type ExplainedChange = StatusFieldChange | CorroborationChange | DisputeChange;

/** One event's step, as the batch step knows it: the bounded summaries around it and the event. */
export interface ChangeStep {
  before: SubjectSummary;
  after: SubjectSummary;
  /** `summaryStatus` of each, derived once per event by the caller. */
  statusBefore: StatusView;
  statusAfter: StatusView;
  cause: ChangeCause & { data?: unknown };
  /** Set when the cause is a retraction. */
  retracted?: RetractedGist;
}

/**
 * Every change one event made (status, then reportedStatus, then corroboration, then disputes
 * by fact), each with its cause, level and reason. The status fields are exactly
 * {@link statusChanges}'s, so a follower of `status` sees what it always saw. Needs only the
 * bounded summaries: the ladder bases and figure tables are in them.
 */
export function explainedChanges(step: ChangeStep): ExplainedChange[] {
  const { before, after, cause } = step;
  // Worded only for an event that changed something: most change nothing the feed carries.
  let worded: string | undefined;
  const because = () => (worded ??= becauseOf(cause, step.retracted));
  const common = (id: string, level: CorroborationLevel | null, reason: string) => ({
    id: `${cause.eventId}:${id}`,
    cause: { eventId: cause.eventId, type: cause.type, confirmation: cause.confirmation, source: cause.source },
    level,
    reason,
  });
  const out: ExplainedChange[] = statusChanges(step.statusBefore, step.statusAfter).map((c) => ({
    ...common(c.field, c.to === null ? null : stageLevel(after, c.to), `${statusPhrase(c.field, c.from, c.to)}: ${because()}.`),
    field: c.field,
    from: c.from,
    to: c.to,
  }));
  if (before.kind !== 'exchange' || after.kind !== 'exchange') return out;

  const stage = step.statusAfter.kind === 'exchange' ? step.statusAfter.reportedStatus : null;
  const stageBefore = step.statusBefore.kind === 'exchange' ? step.statusBefore.reportedStatus : null;
  if (stage !== null && stage === stageBefore) {
    const from = stageLevel(before, stage);
    const to = stageLevel(after, stage);
    if (from !== to) {
      const moved = rank(to) > rank(from) ? 'rose' : 'fell';
      out.push({
        ...common('corroboration', to, `Corroboration of ${stage} ${moved} from ${from ?? 'none'} to ${to ?? 'none'}: ${because()}.`),
        field: 'corroboration',
        stage,
        from,
        to,
      });
    }
  }

  if (before.figures !== after.figures) {
    // A report replaces only the facts it carries (see withFigures): the others are the same objects, so not compared.
    const touched: string[] = [];
    for (const fact in after.figures) if (before.figures[fact] !== after.figures[fact]) touched.push(fact);
    for (const fact in before.figures) if (!(fact in after.figures)) touched.push(fact);
    for (const fact of touched.sort(compareFacts)) {
      const from = valuesOf(before.figures[fact]);
      const to = valuesOf(after.figures[fact]);
      if (from === to || (from !== null && to !== null && from.join() === to.join())) continue;
      out.push({ ...common(`dispute:${fact}`, null, `${disputePhrase(fact, from, to)}: ${because()}.`), field: 'dispute', fact, from, to });
    }
  }
  return out;
}

/** Each disputed fact's distinct values, ascending. */
export function disputedValues(table: FigureTable): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const fact of Object.keys(table)) {
    const values = valuesOf(table[fact]);
    if (values) out[fact] = values;
  }
  return out;
}

/** A fact's distinct values, ascending, when there are two or more (a dispute); else null. */
function valuesOf(byKey: Readonly<Record<string, number>> | undefined): number[] | null {
  if (!byKey) return null;
  const values = [...new Set(Object.values(byKey))];
  return values.length > 1 ? values.sort((a, b) => a - b) : null;
}

function stageLevel(summary: SubjectSummary, stage: string): CorroborationLevel | null {
  if (summary.kind !== 'exchange') return null;
  return levelOf(summary.ladder[stage as ExchangeStatus], { parties: summary.parties, mediators: summary.mediators });
}

function rank(level: CorroborationLevel | null): number {
  return level === null ? -1 : CORROBORATION_LEVELS.indexOf(level);
}

function statusPhrase(field: 'status' | 'reportedStatus', from: string | null, to: string | null): string {
  const label = field === 'status' ? 'Status' : 'Reported status';
  if (from === null) return `${label} set to ${to}`;
  if (to === null) return `${label} no longer set (was ${from})`;
  return `${label} moved from ${from} to ${to}`;
}

function disputePhrase(fact: string, from: number[] | null, to: number[] | null): string {
  if (from === null) return `${fact} became disputed (${versus(to!)}; the lowest, ${to![0]}, is shown)`;
  if (to === null) return `The dispute over ${fact} (${versus(from)}) ended`;
  return `The dispute over ${fact} changed from ${versus(from)} to ${versus(to)} (the lowest, ${to[0]}, is shown)`;
}

function versus(values: readonly number[]): string {
  return values.join(' vs ');
}

/** Why: the cause's report, or the retracted report and the retraction. */
function becauseOf(cause: ReportGist, retracted: RetractedGist | undefined): string {
  if (!retracted) return `${said(cause)} (${cause.confirmation})`;
  const what = retracted.report
    ? `the report by ${who(retracted.report.source)} that ${clause(retracted.report)} (${retracted.report.confirmation})`
    : `an earlier report (${retracted.eventId})`;
  // The sentence ends with its own full stop.
  return `${what} was retracted by ${who(cause.source)}: ${retracted.reason.trim().replace(/[.!?]+$/, '')}`;
}

function said(report: ReportGist): string {
  return !countsAsReported(report.confirmation) ? `${who(report.source)} denied that ${clause(report)}` : `${who(report.source)} reported that ${clause(report)}`;
}

/** "Russian Ministry of Defence (RU)", "Reuters citing TASS". */
function who(source: Pick<Source, 'name' | 'party' | 'via'>): string {
  return `${source.name}${source.party ? ` (${source.party})` : ''}${source.via ? ` citing ${source.via}` : ''}`;
}

/** What a report states, as a clause after "that". */
function clause(report: ReportGist): string {
  const data = (report.data ?? {}) as Record<string, unknown>;
  const figures = releasedPhrase(data.releasedBy);
  switch (report.type) {
    case 'exchange.proposed':
      return 'the exchange was proposed';
    case 'exchange.agreed':
      return 'the exchange was agreed';
    case 'exchange.underway':
      return 'the exchange was under way';
    case 'exchange.phase.completed':
      return `phase ${String(data.phase)} was completed${figures}`;
    case 'exchange.completed':
      return `the exchange was completed${figures}`;
    case 'exchange.suspended':
      return 'the exchange was suspended';
    case 'exchange.cancelled':
      return 'the exchange was cancelled';
    case 'exchange.details.reported':
      return Array.isArray(data.mediators) ? `the exchange was mediated by ${data.mediators.join(', ')}` : 'the exchange had new details';
    case 'negotiation.round.held':
      return `round ${String(data.round)} was held`;
    case 'negotiation.status.reported':
      return `the talks were ${String(data.status)}`;
    default:
      return `${report.type} happened`;
  }
}

/** " with RU 150, UA 150 released" for a report's figures; empty without them. */
function releasedPhrase(releasedBy: unknown): string {
  if (typeof releasedBy !== 'object' || releasedBy === null) return '';
  const entries = Object.entries(releasedBy as Record<string, number>).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length ? ` with ${entries.map(([party, n]) => `${party} ${n}`).join(', ')} released` : '';
}
