import {
  asSummary,
  ChangeCause,
  Confirmation,
  currentVersionOf,
  evolve,
  ExplainedChange,
  explainedChanges,
  evolveSummary,
  initialState,
  initialSummary,
  isCurrentState,
  negotiationLinkOf,
  subjectKindOf,
  RecordedEvent,
  reportContentKey,
  ReportContent,
  ReportOf,
  retractionRefusal,
  RetractionRefusal,
  RetractedGist,
  Source,
  StatusView,
  SubjectState,
  SubjectSummary,
  summarize,
  summaryColumns,
  summaryStatus,
  ValidationIssue,
} from '@newsledger/domain';
import { fromCloudEvent, LogMessage } from '@newsledger/event-log';
import { EventRow, ProjectionStore, StatusChangeRow, SubjectStateStore, ViewRow } from '@newsledger/persistence';
import { EntityManager } from 'typeorm';

/** One message of the batch after decoding. */
export type DecodedMessage<M> = { message: M } & (
  | { ok: true; event: RecordedEvent }
  | { ok: false; reason: string; issues: ValidationIssue[] }
);

export interface BatchOutcome<M> {
  events: EventRow[];
  /** One row per subject the batch touched; `state` is the full state where the batch carried it. */
  views: Array<ViewRow & { summary: SubjectSummary; state?: SubjectState }>;
  rejected: { message: M; reason: string; issues: ValidationIssue[] }[];
  retracted: { eventId: string; by: string }[];
  links: { eventId: string; negotiation: string; exchange: string; recordedAt: string }[];
  unlinks: string[];
  changes: StatusChangeRow[];
  duplicates: number;
}

/** An event already indexed (or earlier in the batch), as the batch step needs it. */
export interface IndexedEvent {
  subject: string;
  type: string;
  /** Its retraction's id, when it has been retracted. */
  retractedBy?: string | null;
  /** What it says: a later message with its id and other content is an id conflict. Absent: not compared. */
  content?: ReportContent;
}

export interface ProjectBatchOptions {
  /**
   * Full states, as of before the batch, of the subjects the batch retracts in: a retraction
   * undoes what one report contributed, which only the full state knows.
   */
  fullStates?: ReadonlyMap<string, SubjectState>;
  /** Carry every subject's full state (in-memory replays, which keep them all anyway). */
  carryFullStates?: boolean;
  /** Told each full state the batch reaches, after each event (with `carryFullStates`: every one). */
  onFullState?: (state: SubjectState) => void;
}

/**
 * Applies a batch of decoded messages, in log order, to the summaries of their subjects. Pure:
 * the caller loads `indexed` (already-indexed events among the batch's ids and retraction
 * targets), `stored` (summaries) and, for retractions, full states, and writes the outcome in one
 * transaction.
 *
 * @throws Error when a retraction's subject has no full state (see `fullStates`).
 */
export function projectBatch<M>(
  decoded: readonly DecodedMessage<M>[],
  indexed: ReadonlyMap<string, IndexedEvent>,
  stored: ReadonlyMap<string, SubjectSummary | SubjectState>,
  opts: ProjectBatchOptions = {},
): BatchOutcome<M> {
  const out: BatchOutcome<M> = { events: [], views: [], rejected: [], retracted: [], links: [], unlinks: [], changes: [], duplicates: 0 };
  const known = new Map(indexed);
  const summaries = new Map<string, SubjectSummary>();
  const fulls = new Map<string, SubjectState>();
  const statuses = new Map<string, StatusView>();
  const summaryOf = (subject: string) => {
    const held = stored.get(subject);
    if (summaries.has(subject)) return summaries.get(subject)!;
    if (!held) return initialSummary(subject);
    if (isCurrentState(held)) return asSummary(held);
    // Written under another STATE_VERSION (other rules): only the subject's events give it again.
    const full = opts.fullStates?.get(subject);
    if (!full) throw new Error(`the full state of ${subject} is needed (its stored summary is of another version) and was not loaded`);
    return summarize(full);
  };
  // A subject with nothing stored that a retraction of this batch names starts from its initial
  // full state, so the retraction needs no lookup; any other goes by its summary alone (keeping
  // a full state it never needs cost a third of a catch-up's reducing).
  const retracting = opts.carryFullStates ? undefined : retractingSubjects(decoded);
  const fullOf = (subject: string, held: SubjectSummary | SubjectState | undefined) =>
    fulls.get(subject) ?? opts.fullStates?.get(subject) ?? (held && 'claims' in held && isCurrentState(held) ? held : undefined) ??
    ((retracting === undefined || (held === undefined && retracting.has(subject))) ? initialState(subject) : undefined);

  for (const d of decoded) {
    if (!d.ok) {
      out.rejected.push({ message: d.message, reason: d.reason, issues: d.issues });
      continue;
    }
    const e = d.event;
    const prior = known.get(e.id);
    if (prior) {
      // Compared only here, for the rare id seen twice: the hot path never builds the key.
      if (prior.content && reportContentKey(prior.content) !== reportContentKey(e)) {
        out.rejected.push({
          message: d.message,
          reason: `id_conflict: id "${e.id}" was already used for a different report; publish it with a new id`,
          issues: [{ path: 'id', message: 'was already used for a different report' }],
        });
      } else {
        out.duplicates += 1;
      }
      continue;
    }
    let retractionOf: string | null = null;
    let retractedReport: ReportContent | undefined;
    if (e.type === 'report.retracted') {
      retractionOf = e.data.eventId;
      const target = known.get(retractionOf);
      retractedReport = target?.content;
      const refusal = retractionRefusal(e, target);
      if (refusal || !target) {
        out.rejected.push({ message: d.message, ...refusedRetraction(retractionOf, refusal) });
        continue;
      }
      known.set(retractionOf, { ...target, retractedBy: e.id });
      out.retracted.push({ eventId: retractionOf, by: e.id });
      out.unlinks.push(retractionOf);
      // The store deletes unlinks before it inserts links: a link made earlier in this batch must go here.
      const linked = out.links.findIndex((l) => l.eventId === retractionOf);
      if (linked >= 0) out.links.splice(linked, 1);
    }
    known.set(e.id, { subject: e.subject, type: e.type, content: e });

    const before = summaryOf(e.subject);
    const full = fullOf(e.subject, stored.get(e.subject));
    let after: SubjectSummary;
    if (full) {
      const fullAfter = evolve(full, e);
      fulls.set(e.subject, fullAfter);
      opts.onFullState?.(fullAfter);
      after = retractionOf === null ? evolveSummary(before, e) : summarize(fullAfter);
    } else if (retractionOf === null) {
      after = evolveSummary(before, e);
    } else {
      throw new Error(`the full state of ${e.subject} is needed for retraction ${e.id} and was not loaded`);
    }
    summaries.set(e.subject, after);
    // The status after one event is the status before the subject's next: derived once per event.
    const statusBefore: StatusView = statuses.get(e.subject) ?? summaryStatus(before);
    const statusAfter = summaryStatus(after);
    statuses.set(e.subject, statusAfter);
    const retracted = e.type === 'report.retracted' ? retractedGist(e.data.eventId, e, retractedReport, full) : undefined;
    for (const c of explainedChanges({ before, after, statusBefore, statusAfter, cause: causeOf(e), retracted })) {
      out.changes.push({
        id: c.id,
        subject: e.subject,
        kind: after.kind,
        field: c.field,
        from: c.field === 'dispute' ? null : c.from,
        to: c.field === 'dispute' ? null : c.to,
        causedBy: e.id,
        retractionOf,
        recordedAt: e.recordedAt,
        payload: changePayload(c),
      });
    }
    const link = negotiationLinkOf(e);
    if (link) out.links.push({ eventId: e.id, ...link, recordedAt: e.recordedAt });
    out.events.push(eventRowOf(e));
  }

  for (const [subject, summary] of summaries) {
    const columns = summaryColumns(summary);
    const state = fulls.get(subject);
    out.views.push({
      subject,
      ...columns,
      // never null here: the summary has just taken at least one event
      lastRecordedAt: columns.lastRecordedAt ?? '',
      summary,
      ...(state ? { state } : {}),
    });
  }
  return out;
}

/** The subjects some retraction of the batch is about. */
function retractingSubjects<M>(decoded: readonly DecodedMessage<M>[]): Set<string> {
  const subjects = new Set<string>();
  for (const d of decoded) if (d.ok && d.event.type === 'report.retracted') subjects.add(d.event.subject);
  return subjects;
}

/** A dead-letter reason for a retraction that withdraws nothing. */
function refusedRetraction(target: string, refusal: RetractionRefusal | null): { reason: string; issues: ValidationIssue[] } {
  if (refusal?.code === 'already_retracted') {
    // A second retraction would rewrite the first's place in the history.
    return {
      reason: `already_retracted: event "${target}" was already retracted by "${refusal.by}"`,
      issues: [{ path: 'data.eventId', message: 'names an event already retracted' }],
    };
  }
  return {
    reason: refusal?.code === 'unknown_event' || !refusal ? `retraction of unknown event "${target}"` : 'a retraction must name a non-retraction event of the same subject',
    issues: [{ path: 'data.eventId', message: 'must name an earlier event of the same subject' }],
  };
}

/** The event a change names as its cause. */
function causeOf(e: RecordedEvent): ChangeCause & { data: unknown } {
  return { eventId: e.id, type: e.type, confirmation: e.confirmation, source: e.source, data: e.data };
}

/**
 * The retracted report a change names: its indexed content (the projector and rebuild load it),
 * else its claim in the full state before the retraction (in-memory replays carry no content).
 */
function retractedGist(target: string, retraction: ReportOf<'report.retracted'>, content: ReportContent | undefined, full: SubjectState | undefined): RetractedGist {
  const { reason } = retraction.data;
  if (content) {
    return { eventId: target, reason, report: { type: content.type, source: content.source as Source, confirmation: content.confirmation as Confirmation, data: content.data } };
  }
  if (full?.kind === 'negotiation') {
    const claim = full.claims.find((c) => c.eventId === target);
    if (!claim) return { eventId: target, reason, report: null };
    return { eventId: target, reason, report: { type: 'negotiation.status.reported', source: claim.source, confirmation: claim.confirmation, data: { status: claim.status } } };
  }
  const claim = full?.claims.find((c) => c.eventId === target);
  if (!claim) return { eventId: target, reason, report: null };
  const type = claim.phase !== undefined ? 'exchange.phase.completed' : `exchange.${claim.status}`;
  return { eventId: target, reason, report: { type, source: claim.source, confirmation: claim.confirmation, data: { phase: claim.phase } } };
}

/** What an outbox row keeps besides its columns: everything the message adds (contract §7.4). */
function changePayload(c: ExplainedChange): StatusChangeRow['payload'] {
  const { id: _id, field: _field, ...rest } = c;
  return rest;
}

/** The event index row of an event. */
export function eventRowOf(e: RecordedEvent): EventRow {
  return {
    eventId: e.id,
    subject: e.subject,
    kind: subjectKindOf(e.subject),
    type: e.type,
    partition: e.position.partition,
    offset: e.position.offset,
    recordedAt: e.recordedAt,
    occurredAt: e.occurredAt ?? null,
    ingestor: e.ingestor,
    source: e.source,
    confirmation: e.confirmation,
    // As recorded: the index keeps what the log says, and its reads upcast it as the decoder does.
    data: e.recordedAs ? e.recordedAs.data : e.data,
    dataVersion: e.recordedAs ? e.recordedAs.version : currentVersionOf(e.type),
    note: e.note ?? null,
  };
}

/**
 * Decodes a log message exactly as an HTTP report is validated: the event, or why it is not one.
 * @param partitions - the topic's partition count: a message off its subject's partition is refused
 */
export function decodeMessage(message: LogMessage, partitions?: number): DecodedMessage<LogMessage> {
  const r = fromCloudEvent(message.value, message, partitions);
  return r.ok ? { message, ok: true, event: r.event } : { message, ok: false, reason: r.reason, issues: r.issues };
}

/** Where {@link projectMessages} reads what a batch needs and indexes its events; all in the caller's transaction. */
export interface BatchLookups {
  /** The already-indexed events among these ids, with their content and retraction. */
  findEvents(ids: string[]): Promise<ReadonlyMap<string, IndexedEvent>>;
  /** The stored summaries of these subjects. */
  loadSummaries(subjects: string[]): Promise<ReadonlyMap<string, unknown>>;
  /** The full states of these subjects, from the event index (only subjects the batch retracts in). */
  loadFullStates(subjects: string[]): Promise<ReadonlyMap<string, SubjectState>>;
  /** Indexes the events whose ids are not indexed yet; returns how many it indexed. */
  indexEvents(rows: EventRow[]): Promise<number>;
  /**
   * Indexes events found not indexed in this transaction, in bulk.
   * @throws Error when another transaction indexed one of them meanwhile: the caller rolls back and retries
   */
  copyEvents(rows: EventRow[]): Promise<void>;
  /** Indexes events not looked up, in bulk, unless one is indexed already: false then, with nothing indexed. */
  copyNewEvents(rows: EventRow[]): Promise<boolean>;
}

/** The lookups of a batch in transaction `m`, over one generation's tables (live, or a rebuild's). */
export function storeLookups(m: EntityManager, store: ProjectionStore, states: SubjectStateStore): BatchLookups {
  return {
    findEvents: (ids) => store.findEvents(m, ids),
    loadSummaries: (subjects) => store.loadSummaries(m, subjects),
    loadFullStates: async (subjects) => new Map([...(await states.load(m, subjects))].map(([s, l]) => [s, l.state])),
    indexEvents: (rows) => store.insertEvents(m, rows),
    copyEvents: (rows) => store.copyEvents(m, rows),
    copyNewEvents: (rows) => store.copyNewEvents(m, rows),
  };
}

/**
 * Decodes fresh messages (of one partition or several), indexes them, and applies them with
 * {@link projectBatch}; the outcome's `events` are all indexed when it returns. The live
 * projector and the rebuild both go through here, so they decide duplicates and retractions
 * alike.
 *
 * Reports are indexed first, in bulk (COPY), as new: only when one of their ids is indexed already
 * (a duplicate on the log, rare) are they looked up, those found being the duplicates, and the
 * rest copied. An id another transaction indexes meanwhile (a concurrent partition) then fails the
 * batch, whose retry finds it indexed. Retractions and their targets are looked up first, checked
 * against the index and the batch, and indexed after, with any report whose id first appeared in
 * the batch as a retraction (it counts only if that retraction was rejected). Full states for
 * retractions are loaded before anything is indexed, so they stand as of before the batch.
 *
 * @throws Error when an id was indexed concurrently: the caller rolls back and retries.
 */
export async function projectMessages(
  messages: readonly LogMessage[],
  lookups: BatchLookups,
  opts: { partitions?: number } = {},
): Promise<BatchOutcome<LogMessage>> {
  const decoded = messages.map((m) => decodeMessage(m, opts.partitions));
  const subjects = new Set<string>();
  const retracting = new Set<string>();
  const retractionIds = new Set<string>();
  // Reports whose id first appears here (not after a retraction of the same id): indexed up front.
  const reports = new Map<string, RecordedEvent>();
  const seen = new Set<string>();
  for (const d of decoded) {
    if (!d.ok) continue;
    subjects.add(d.event.subject);
    if (d.event.type === 'report.retracted') {
      retractionIds.add(d.event.id);
      retractionIds.add(d.event.data.eventId);
      retracting.add(d.event.subject);
    } else if (!seen.has(d.event.id)) {
      reports.set(d.event.id, d.event);
    }
    seen.add(d.event.id);
  }
  const indexed = new Map(await lookups.findEvents([...retractionIds]));
  const summaries = (await lookups.loadSummaries([...subjects])) as ReadonlyMap<string, SubjectSummary | SubjectState>;
  // Subjects whose row was written under another STATE_VERSION are derived again, like a retraction's.
  const stale = [...subjects].filter((subject) => summaries.has(subject) && !isCurrentState(summaries.get(subject)));
  const needFull = new Set([...retracting, ...stale]);
  const fullStates = needFull.size > 0 ? await lookups.loadFullStates([...needFull]) : undefined;
  let freshRows = [...reports.values()].filter((e) => !indexed.has(e.id)).map(eventRowOf);
  if (!(await lookups.copyNewEvents(freshRows))) {
    for (const [id, found] of await lookups.findEvents([...reports.keys()])) indexed.set(id, found);
    freshRows = freshRows.filter((r) => !indexed.has(r.eventId));
    await lookups.copyEvents(freshRows);
  }
  const fresh = new Set(freshRows.map((r) => r.eventId));

  const out = projectBatch(decoded, indexed, summaries, { fullStates });
  // The retractions, and any report whose id a rejected retraction came first with.
  const rest = out.events.filter((e) => !fresh.has(e.eventId));
  if (rest.length > 0 && (await lookups.indexEvents(rest)) !== rest.length) {
    const partitions = [...new Set(messages.map((m) => m.partition))].join(', ');
    throw new Error(`an event id of this batch (partition ${partitions}) was indexed concurrently; retrying the batch`);
  }
  return out;
}
