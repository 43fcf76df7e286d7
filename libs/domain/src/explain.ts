import { countsAsConfirmed, countsAsReported, independenceKey } from './confirmation';
import { ladderRoleOf, type CorroborationLevel, type StageCorroboration } from './corroboration';
import type { ExchangeClaim, ExchangeStatus, ExchangeView } from './exchange.projection';
import type { MediationView, NegotiationView, RoundView } from './negotiation.projection';
import type { Confirmation, EventType } from './event.catalogue';
import type { RecordedEvent, Source } from './report.schema';

/** What a report does for a fact (contract §7.4). */
export const EVIDENCE_ROLES = ['supports', 'denies', 'disputes', 'superseded', 'retracted'] as const;
/** One of {@link EVIDENCE_ROLES}. */
export type EvidenceRole = (typeof EVIDENCE_ROLES)[number];

/** A report behind a fact, and what it does for it. */
export interface Evidence {
  eventId: string;
  type: EventType;
  confirmation: Confirmation;
  source: Source;
  occurredAt?: string;
  recordedAt: string;
  role: EvidenceRole;
}

/** One fact of a view, with a sentence naming its sources and the reports behind it in log order. */
export interface ExplainedFact {
  field: string;
  value: unknown;
  /** The corroboration level of the stage (exchange statuses only). */
  level?: CorroborationLevel | null;
  sentence: string;
  evidence: Evidence[];
}

/** `GET …/:id/explain`: every fact the contract explains, for a view as it stands (now, or then). */
export interface Explanation {
  subject: string;
  facts: ExplainedFact[];
}

const STATUS_TYPES: ReadonlySet<string> = new Set([
  'exchange.proposed', 'exchange.agreed', 'exchange.underway', 'exchange.phase.completed',
  'exchange.completed', 'exchange.suspended', 'exchange.cancelled', 'negotiation.status.reported',
]);

/**
 * Explains a view from the subject's events (in log order; those the view did not count are
 * ignored, except retracted ones, which are evidence with role `retracted`). Pure: the same view
 * and events give the same explanation, whatever point in time the view was taken at.
 */
export function explainView(view: ExchangeView | NegotiationView, events: readonly RecordedEvent[]): Explanation {
  const byId = new Map(events.map((e) => [e.id, e]));
  const facts = view.kind === 'exchange' ? exchangeFacts(view, events, byId) : negotiationFacts(view, events, byId);
  return { subject: view.subject, facts };
}

function exchangeFacts(view: ExchangeView, events: readonly RecordedEvent[], byId: ReadonlyMap<string, RecordedEvent>): ExplainedFact[] {
  const retracted = retractedOf(view, events, (e) => STATUS_TYPES.has(e.type));
  return [
    statusFact('status', view.status, view, byId, countsAsConfirmed, 'confirmed', retracted),
    statusFact('reportedStatus', view.reportedStatus, view, byId, countsAsReported, 'reported', retracted),
    ...Object.entries(view.released).map(([party, value]) => releasedFact(party, value, view, events)),
    ...view.disputes.map((d) => ({
      field: `disputes.${d.fact}`,
      value: d.shown,
      sentence: `${d.fact} is disputed: ${d.values.map((v) => `${v.value} by ${names(v.sources)}`).join('; ')}. The lowest, ${d.shown}, is shown.`,
      evidence: d.values.flatMap((v) => v.eventIds.map((id) => evidenceOf(byId.get(id), v.value === d.shown ? 'supports' : 'disputes'))).filter(isEvidence),
    })),
  ];
}

function statusFact(
  field: 'status' | 'reportedStatus',
  stage: ExchangeStatus | null,
  view: ExchangeView,
  byId: ReadonlyMap<string, RecordedEvent>,
  counts: (c: Confirmation) => boolean,
  verb: string,
  retractedReports: Evidence[],
): ExplainedFact {
  // A retracted report is evidence of the field it would have counted for.
  const retracted = retractedReports.filter((r) => counts(r.confirmation));
  const corroboration = stage ? view.corroboration[stage] : undefined;
  const supporting = stage ? view.claims.filter((c) => counts(c.confirmation) && ladderRoleOf(c).supports.includes(stage)) : [];
  const denying = stage ? view.claims.filter((c) => ladderRoleOf(c).denies === stage) : [];
  const withdrawn = retracted.length ? ` Retracted: ${retracted.map((r) => `${sourceName(r.source)} (${view.retracted[r.eventId]?.reason ?? 'no reason given'})`).join('; ')}.` : '';
  const evidence = [
    ...supporting.map((c) => evidenceOf(byId.get(c.eventId), 'supports')),
    ...denying.map((c) => evidenceOf(byId.get(c.eventId), 'denies')),
    ...retracted,
  ].filter(isEvidence);
  if (!stage) {
    return { field, value: null, level: null, sentence: `Nothing is ${verb} yet.${withdrawn}`, evidence };
  }
  const who = sourcesSaying(supporting, field === 'reportedStatus');
  const denied = denying.length ? `; denied by ${sourcesSaying(denying, false)}` : '';
  const sentence = `${capitalised(stage)}: ${verb} by ${who}${denied}; ${officialPhrase(corroboration, view.parties)}.${withdrawn}`;
  return { field, value: stage, level: corroboration?.level ?? null, sentence, evidence: sortByLog(evidence, byId) };
}

function releasedFact(party: string, value: number, view: ExchangeView, events: readonly RecordedEvent[]): ExplainedFact {
  // The figure reports naming the party, in log order: each one's role by what the view made of it.
  const latestByKey = new Map<string, string>();
  const candidates = events.filter(
    (e): e is RecordedEvent & { type: 'exchange.phase.completed' | 'exchange.completed' } =>
      (e.type === 'exchange.phase.completed' || e.type === 'exchange.completed') &&
      countsAsConfirmed(e.confirmation) &&
      e.data.releasedBy?.[party] !== undefined,
  );
  const factOf = (e: (typeof candidates)[number]) => (e.type === 'exchange.phase.completed' ? `phase.${e.data.phase}.${party}` : `released.${party}`);
  for (const e of candidates) if (!view.retracted[e.id]) latestByKey.set(`${factOf(e)}|${independenceKey(e.source)}`, e.id);
  const disputes = new Map(view.disputes.map((d) => [d.fact, d]));
  const evidence: Evidence[] = candidates.map((e) => {
    const fact = factOf(e);
    const own = e.data.releasedBy![party]!;
    if (view.retracted[e.id]) return evidenceOf(e, 'retracted')!;
    if (latestByKey.get(`${fact}|${independenceKey(e.source)}`) !== e.id) return evidenceOf(e, 'superseded')!;
    const dispute = disputes.get(fact);
    return evidenceOf(e, dispute && own !== dispute.shown ? 'disputes' : 'supports')!;
  });
  const backers = evidence.filter((x) => x.role === 'supports').map((x) => x.source);
  const disputed = view.disputes.filter((d) => d.fact.endsWith(`.${party}`));
  const note = disputed.length ? ` Sources disagree (${disputed.map((d) => d.fact).join(', ')}); the lowest figure is used.` : '';
  return {
    field: `released.${party}`,
    value,
    sentence: `${party} released ${value}: confirmed by ${names(backers)}.${note}`,
    evidence,
  };
}

/**
 * A negotiation's `status` (contract §7.4): from the latest live non-denied status report, whose
 * earlier ones are `superseded` and denied ones of the same status `denies`; else from the live
 * held-round reports (`active`), else the announcements (`scheduled`). Retracted status and round
 * reports are evidence with role `retracted`, named in the sentence with the retraction's reason.
 */
function negotiationFacts(view: NegotiationView, events: readonly RecordedEvent[], byId: ReadonlyMap<string, RecordedEvent>): ExplainedFact[] {
  const basis = view.evidence.status ? byId.get(view.evidence.status) : undefined;
  const live = (e: RecordedEvent) => !view.retracted[e.id];
  const statusReports = events.filter((e): e is RecordedEvent & { type: 'negotiation.status.reported' } => e.type === 'negotiation.status.reported' && live(e));
  const rounds = events.filter((e) => (e.type === 'negotiation.round.held' || e.type === 'negotiation.round.announced') && live(e) && countsAsReported(e.confirmation));
  const held = rounds.filter((e) => e.type === 'negotiation.round.held');
  const retracted = retractedOf(view, events, (e) => e.type === 'negotiation.status.reported' || e.type === 'negotiation.round.held');
  const withdrawn = retracted.length
    ? ` Retracted: ${retracted.map((r) => `${sourceName(r.source)} (${view.retracted[r.eventId]?.reason ?? 'no reason given'})`).join('; ')}.`
    : '';
  let sentence: string;
  let evidence: Evidence[];
  if (basis?.type === 'negotiation.status.reported') {
    const said = basis.data.status;
    const earlier = statusReports.filter((e) => e.id !== basis.id && countsAsReported(e.confirmation));
    const denying = statusReports.filter((e) => !countsAsReported(e.confirmation) && e.data.status === said);
    const denied = denying.length ? `; denied by ${names(denying.map((e) => e.source))}` : '';
    const resumed = said === 'resumed' ? ' (talks resumed)' : '';
    sentence = `${capitalised(view.status)}${resumed}: reported by ${sourcesOf([basis])}${denied}.${earlier.length ? ` Earlier: ${earlier.map((e) => `${e.data.status} by ${sourcesOf([e])}`).join('; ')}.` : ''}${withdrawn}`;
    evidence = [
      ...earlier.map((e) => evidenceOf(e, 'superseded')),
      evidenceOf(basis, 'supports'),
      ...denying.map((e) => evidenceOf(e, 'denies')),
      ...retracted,
    ].filter(isEvidence);
  } else if (held.length > 0) {
    const numbers = [...new Set(held.flatMap((e) => (e.type === 'negotiation.round.held' ? [e.data.round] : [])))].sort((a, b) => a - b);
    sentence = `Active: round${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')} held, as ${sourcesOf(held)} reported; no status reported since.${withdrawn}`;
    evidence = [...held.map((e) => evidenceOf(e, 'supports')), ...retracted].filter(isEvidence);
  } else {
    const announced = rounds.filter((e) => e.type === 'negotiation.round.announced');
    sentence = `Scheduled: no round reported held${announced.length ? `; announced by ${sourcesOf(announced)}` : ''}.${withdrawn}`;
    evidence = [...announced.map((e) => evidenceOf(e, 'supports')), ...retracted].filter(isEvidence);
  }
  return [
    { field: 'status', value: view.status, sentence, evidence: sortByLog(evidence, byId) },
    ...view.rounds.map((r) => roundFact(r, byId)),
    ...view.mediation.map((m) => mediationFact(m, byId)),
  ];
}

/**
 * A round (`rounds.<n>`): held or announced, by whom, and where its date comes from — a date the
 * reports give, or, for a held round whose reports give none, the `occurredAt` of its latest held
 * report (contract §7.5), which the sentence says so a reader does not take it for a reported date.
 */
function roundFact(round: RoundView, byId: ReadonlyMap<string, RecordedEvent>): ExplainedFact {
  const reports = round.eventIds.map((id) => byId.get(id)).filter((e): e is RecordedEvent => e !== undefined);
  const held = reports.filter((e) => e.type === 'negotiation.round.held');
  const basis = round.state === 'held' ? held : reports;
  const venue = round.venue ? ` in ${round.venue}` : '';
  let when = '';
  let dateNote = '';
  if (round.state === 'held' && round.date) {
    const dated = held.some((e) => e.type === 'negotiation.round.held' && e.data.date !== undefined);
    if (dated) when = ` on ${round.date}`;
    else dateNote = ` No report gives its date; ${round.date} is the date of the report by ${names(held.slice(-1).map((e) => e.source))}.`;
  } else if (round.scheduledFor) {
    when = `, scheduled for ${round.scheduledFor}`;
  }
  const announcements = reports.filter((e) => e.type === 'negotiation.round.announced');
  const announced = round.state === 'held' && announcements.length ? ` Announced by ${sourcesOf(announcements)}.` : '';
  return {
    field: `rounds.${round.round}`,
    value: round.state,
    sentence: `Round ${round.round} ${round.state}${venue}${when}, according to ${sourcesOf(basis)}.${dateNote}${announced}`,
    evidence: sortByLog(reports.map((e) => evidenceOf(e, 'supports')).filter(isEvidence), byId),
  };
}

/** A proposed mediator (`mediation.<mediator>`): who proposed, endorsed and rejected it, each as reported by whom. */
function mediationFact(mediation: MediationView, byId: ReadonlyMap<string, RecordedEvent>): ExplainedFact {
  const said = (verb: string, entries: readonly { by: string; party?: string; eventId: string }[]) =>
    entries.length === 0
      ? []
      : [`${verb} by ${entries.map((x) => `${x.party && x.party !== x.by ? `${x.by} (${x.party})` : x.by} according to ${sourcesOf([byId.get(x.eventId)].filter((e): e is RecordedEvent => e !== undefined))}`).join(', ')}`];
  const parts = [...said('proposed', mediation.proposedBy), ...said('endorsed', mediation.endorsedBy), ...said('rejected', mediation.rejectedBy)];
  const ids = [...mediation.proposedBy, ...mediation.endorsedBy, ...mediation.rejectedBy].map((x) => x.eventId);
  return {
    field: `mediation.${mediation.mediator}`,
    value: mediation.confirmation,
    sentence: `${mediation.mediator}: ${parts.join('; ')}.`,
    evidence: sortByLog(ids.map((id) => evidenceOf(byId.get(id), 'supports')).filter(isEvidence), byId),
  };
}

/** The sources of some reports, each once, with the desk's confirmation. */
function sourcesOf(reports: readonly RecordedEvent[]): string {
  return sourcesSaying(reports.map((e) => ({ source: e.source, confirmation: e.confirmation })), true);
}

/** The retracted events among `events` that `keep` selects, as evidence. */
function retractedOf(view: ExchangeView | NegotiationView, events: readonly RecordedEvent[], keep: (e: RecordedEvent) => boolean): Evidence[] {
  return events.filter((e) => view.retracted[e.id] && keep(e)).map((e) => evidenceOf(e, 'retracted')!);
}

function evidenceOf(event: RecordedEvent | undefined, role: EvidenceRole): Evidence | undefined {
  if (!event) return undefined;
  const e: Evidence = { eventId: event.id, type: event.type, confirmation: event.confirmation, source: event.source, recordedAt: event.recordedAt, role };
  if (event.occurredAt !== undefined) e.occurredAt = event.occurredAt;
  return e;
}

function isEvidence(e: Evidence | undefined): e is Evidence {
  return e !== undefined;
}

function sortByLog(evidence: Evidence[], byId: ReadonlyMap<string, RecordedEvent>): Evidence[] {
  const order = new Map([...byId.keys()].map((id, i) => [id, i]));
  return [...evidence].sort((a, b) => (order.get(a.eventId) ?? 0) - (order.get(b.eventId) ?? 0));
}

/** "Russian Ministry of Defence (RU)". */
function sourceName(source: Pick<Source, 'name' | 'party'>): string {
  return source.party ? `${source.name} (${source.party})` : source.name;
}

/** Distinct source names in order, joined for a sentence. */
function names(sources: readonly Pick<Source, 'name' | 'party'>[]): string {
  const list = [...new Set(sources.map(sourceName))];
  if (list.length === 0) return 'no one';
  return list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** The sources of some claims, each once, with the desk's confirmation when it varies. */
function sourcesSaying(claims: readonly Pick<ExchangeClaim, 'source' | 'confirmation'>[], withConfirmation: boolean): string {
  const seen = new Map<string, string>();
  for (const c of claims) {
    const name = sourceName(c.source);
    if (!seen.has(name)) seen.set(name, withConfirmation ? `${name} (${c.confirmation})` : name);
  }
  const list = [...seen.values()];
  if (list.length === 0) return 'no one';
  return list.length === 1 ? list[0]! : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

function officialPhrase(corroboration: StageCorroboration | undefined, parties: readonly string[]): string {
  const official = corroboration?.officialParties ?? [];
  if (official.length > 0) return `official statement${official.length > 1 ? 's' : ''} from ${official.join(' and ')}`;
  return parties.length === 2 ? 'no official statement from either party' : 'no official statement from any party';
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
