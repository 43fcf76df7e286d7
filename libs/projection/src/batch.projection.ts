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
  SUBJECT_PATTERN,
  SubjectSummary,
  summarize,
  summaryColumns,
  summaryStatus,
  ValidationIssue,
} from '@newsledger/domain';
import { SerialTurn } from '@newsledger/batching';
import { fromCloudEvent, LogMessage } from '@newsledger/event-log';
import { EventCopyData, EventRow, ProjectionStore, StatusChangeRow, SubjectStateStore, ViewRow } from '@newsledger/persistence';
import { setImmediate as ioTurn } from 'node:timers/promises';
import { EntityManager } from 'typeorm';

/** One message of the batch after decoding. */
export type DecodedMessage<M> = { message: M } & (
  | { ok: true; event: RecordedEvent }
  | { ok: false; reason: string; issues: ValidationIssue[] }
);

/** An event a batch applied, as its callers need it: where it is, not what it says. */
export type AppliedEvent = Pick<EventRow, 'eventId' | 'subject' | 'type' | 'partition' | 'offset'>;

export interface BatchOutcome<M> {
  events: AppliedEvent[];
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

export interface ProjectBatchOptions<M = unknown> {
  /**
   * Full states, as of before the batch, of the subjects the batch retracts in: a retraction
   * undoes what one report contributed, which only the full state knows.
   */
  fullStates?: ReadonlyMap<string, SubjectState>;
  /** Carry every subject's full state (in-memory replays, which keep them all anyway). */
  carryFullStates?: boolean;
  /** Told each full state the batch reaches, after each event (with `carryFullStates`: every one). */
  onFullState?: (state: SubjectState) => void;
  /** Told each event the batch applies, in order (to index it). */
  onApplied?: (event: RecordedEvent) => void;
  /**
   * What an earlier message of the batch says, decoded again from it: given, the batch keeps its
   * messages instead of their decoded events, read only for an id sent twice or a retraction of an
   * event of the same batch (both rare), so a batch's events need not outlive their turn.
   */
  contentOf?: (message: M) => ReportContent | undefined;
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
  opts: ProjectBatchOptions<M> = {},
): BatchOutcome<M> {
  const reducer = new BatchReducer(indexed, stored, opts.carryFullStates ? undefined : retractingSubjects(decoded), opts);
  for (const d of decoded) reducer.apply(d);
  return reducer.finish();
}

/** An event the batch knows of: indexed before it, or met earlier in it (then with its message). */
type KnownEvent<M> = IndexedEvent & { message?: M };

/**
 * {@link projectBatch} one message at a time, so a caller can decode each message just before
 * it is applied and let it go after.
 */
class BatchReducer<M> {
  private readonly out: BatchOutcome<M> = { events: [], views: [], rejected: [], retracted: [], links: [], unlinks: [], changes: [], duplicates: 0 };
  private readonly known: Map<string, KnownEvent<M>>;
  private readonly summaries = new Map<string, SubjectSummary>();
  private readonly fulls = new Map<string, SubjectState>();
  private readonly statuses = new Map<string, StatusView>();

  /**
   * @param retracting - the subjects some retraction of the batch is about: one of them with nothing
   *   stored starts from its initial full state, so the retraction needs no lookup; any other goes
   *   by its summary alone (keeping a full state it never needs cost a third of a catch-up's
   *   reducing). Undefined: every subject carries its full state.
   */
  constructor(
    indexed: ReadonlyMap<string, IndexedEvent>,
    private readonly stored: ReadonlyMap<string, SubjectSummary | SubjectState>,
    private readonly retracting: ReadonlySet<string> | undefined,
    private readonly opts: ProjectBatchOptions<M>,
  ) {
    this.known = new Map(indexed);
  }

  apply(d: DecodedMessage<M>): void {
    const { out, known } = this;
    if (!d.ok) {
      out.rejected.push({ message: d.message, reason: d.reason, issues: d.issues });
      return;
    }
    const e = d.event;
    const prior = known.get(e.id);
    if (prior) {
      // Compared only here, for the rare id seen twice: the hot path never builds the key.
      const content = this.contentOf(prior);
      if (content && reportContentKey(content) !== reportContentKey(e)) {
        out.rejected.push({
          message: d.message,
          reason: `id_conflict: id "${e.id}" was already used for a different report; publish it with a new id`,
          issues: [{ path: 'id', message: 'was already used for a different report' }],
        });
      } else {
        out.duplicates += 1;
      }
      return;
    }
    let retractionOf: string | null = null;
    let retractedReport: ReportContent | undefined;
    if (e.type === 'report.retracted') {
      retractionOf = e.data.eventId;
      const target = known.get(retractionOf);
      retractedReport = target && this.contentOf(target);
      const refusal = retractionRefusal(e, target);
      if (refusal || !target) {
        out.rejected.push({ message: d.message, ...refusedRetraction(retractionOf, refusal) });
        return;
      }
      known.set(retractionOf, { ...target, retractedBy: e.id });
      out.retracted.push({ eventId: retractionOf, by: e.id });
      out.unlinks.push(retractionOf);
      // The store deletes unlinks before it inserts links: a link made earlier in this batch must go here.
      const linked = out.links.findIndex((l) => l.eventId === retractionOf);
      if (linked >= 0) out.links.splice(linked, 1);
    }
    known.set(e.id, this.opts.contentOf ? { subject: e.subject, type: e.type, message: d.message } : { subject: e.subject, type: e.type, content: e });

    const before = this.summaryOf(e.subject);
    const full = this.fullOf(e.subject, this.stored.get(e.subject));
    let after: SubjectSummary;
    if (full) {
      const fullAfter = evolve(full, e);
      this.fulls.set(e.subject, fullAfter);
      this.opts.onFullState?.(fullAfter);
      after = retractionOf === null ? evolveSummary(before, e) : summarize(fullAfter);
    } else if (retractionOf === null) {
      after = evolveSummary(before, e);
    } else {
      throw new Error(`the full state of ${e.subject} is needed for retraction ${e.id} and was not loaded`);
    }
    this.summaries.set(e.subject, after);
    // The status after one event is the status before the subject's next: derived once per event.
    const statusBefore: StatusView = this.statuses.get(e.subject) ?? summaryStatus(before);
    const statusAfter = summaryStatus(after);
    this.statuses.set(e.subject, statusAfter);
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
    out.events.push({ eventId: e.id, subject: e.subject, type: e.type, partition: e.position.partition, offset: e.position.offset });
    this.opts.onApplied?.(e);
  }

  /** The outcome, with one view row per subject the batch moved. */
  finish(): BatchOutcome<M> {
    for (const [subject, summary] of this.summaries) {
      const columns = summaryColumns(summary);
      const state = this.fulls.get(subject);
      this.out.views.push({
        subject,
        ...columns,
        // never null here: the summary has just taken at least one event
        lastRecordedAt: columns.lastRecordedAt ?? '',
        summary,
        ...(state ? { state } : {}),
      });
    }
    return this.out;
  }

  private contentOf(known: KnownEvent<M>): ReportContent | undefined {
    return known.content ?? (known.message !== undefined ? this.opts.contentOf?.(known.message) : undefined);
  }

  private summaryOf(subject: string): SubjectSummary {
    const moved = this.summaries.get(subject);
    if (moved) return moved;
    const held = this.stored.get(subject);
    if (!held) return initialSummary(subject);
    if (isCurrentState(held)) return asSummary(held);
    // Written under another STATE_VERSION (other rules): only the subject's events give it again.
    const full = this.opts.fullStates?.get(subject);
    if (!full) throw new Error(`the full state of ${subject} is needed (its stored summary is of another version) and was not loaded`);
    return summarize(full);
  }

  private fullOf(subject: string, held: SubjectSummary | SubjectState | undefined): SubjectState | undefined {
    return this.fulls.get(subject) ?? this.opts.fullStates?.get(subject) ?? (held && 'claims' in held && isCurrentState(held) ? held : undefined) ??
      ((this.retracting === undefined || (held === undefined && this.retracting.has(subject))) ? initialState(subject) : undefined);
  }
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

/** Event index rows gathered for one bulk insert, each taken in as it is made. */
export interface EventBulk {
  add(row: EventRow): void;
  readonly size: number;
}

/** Where {@link projectMessages} reads what a batch needs and indexes its events; all in the caller's transaction. */
export interface BatchLookups<B extends EventBulk = EventBulk> {
  /** The already-indexed events among these ids, with their content and retraction. */
  findEvents(ids: string[]): Promise<ReadonlyMap<string, IndexedEvent>>;
  /** The stored summaries of these subjects. */
  loadSummaries(subjects: string[]): Promise<ReadonlyMap<string, unknown>>;
  /** The full states of these subjects, from the event index (only subjects the batch retracts in, or whose stored row is of another version). */
  loadFullStates(subjects: string[]): Promise<ReadonlyMap<string, SubjectState>>;
  /** An empty bulk of about this many rows. */
  bulk(expectedRows: number): B;
  /**
   * Indexes events found not indexed in this transaction, in bulk.
   * @throws Error when another transaction indexed one of them meanwhile: the caller rolls back and retries
   */
  copyEvents(rows: B): Promise<void>;
  /** Indexes events whose reports were not looked up, in bulk, unless one is indexed already: false then, with nothing indexed. */
  copyNewEvents(rows: B): Promise<boolean>;
}

/** The lookups of a batch in transaction `m`, over one generation's tables (live, or a rebuild's). */
export function storeLookups(m: EntityManager, store: ProjectionStore, states: SubjectStateStore): BatchLookups<EventCopyData> {
  return {
    findEvents: (ids) => store.findEvents(m, ids),
    loadSummaries: (subjects) => store.loadSummaries(m, subjects),
    loadFullStates: async (subjects) => new Map([...(await states.load(m, subjects))].map(([s, l]) => [s, l.state])),
    bulk: (expectedRows) => new EventCopyData(expectedRows),
    copyEvents: (rows) => store.copyEvents(m, rows),
    copyNewEvents: (rows) => store.copyNewEvents(m, rows),
  };
}

/** What a batch's messages ask the index and the views for before they are applied. */
interface BatchNeeds {
  /** Every subject a valid message of the batch may be about. */
  subjects: Set<string>;
  /** The subjects some retraction of the batch is about. */
  retracting: Set<string>;
  /** Ids to look up: retractions' own and their targets' (and, looked up all, every report's). */
  ids: Set<string>;
}

/** What a valid retraction asks for: its own id and its target's looked up, its subject's full state. */
function needRetraction(needs: BatchNeeds, e: RecordedEvent): void {
  if (e.type !== 'report.retracted') return;
  needs.ids.add(e.id).add(e.data.eventId);
  needs.retracting.add(e.subject);
}

/** What a batch needs loaded, read in this order: full states stand as of before the batch, for nothing is indexed yet. */
async function loadFor(needs: BatchNeeds, lookups: BatchLookups<EventBulk>) {
  const indexed = await lookups.findEvents([...needs.ids]);
  const summaries = (await lookups.loadSummaries([...needs.subjects])) as ReadonlyMap<string, SubjectSummary | SubjectState>;
  // Subjects whose row was written under another STATE_VERSION are derived again, like a retraction's.
  const stale = [...needs.subjects].filter((subject) => summaries.has(subject) && !isCurrentState(summaries.get(subject)));
  const needFull = new Set([...needs.retracting, ...stale]);
  const fullStates = needFull.size > 0 ? await lookups.loadFullStates([...needFull]) : undefined;
  return { indexed, summaries, fullStates };
}

/** A retraction may be in this message: its type's name is in its bytes (escaped JSON aside, which decoding then finds). */
const MAY_RETRACT = Buffer.from('report.retracted');

/** The batch met something its first pass did not expect, and goes the way that expects everything. */
class Unforeseen extends Error {}

/**
 * Messages reduced between two turns of the event loop: a backlog's batch takes most of a second
 * to reduce, during which another batch's writes (its COPY data, its next statement) would wait.
 */
const REDUCED_BETWEEN_IO = 500;

/** How {@link projectMessages} shares the process with batches applied beside it. */
export interface ProjectMessagesOptions {
  /** The topic's partition count: a message off its subject's partition is refused. */
  partitions?: number;
  /** Held while this batch is reduced: one batch reduces at a time, another's writes moving on meanwhile. */
  reduceTurn?: SerialTurn;
}

/**
 * Decodes fresh messages (of one partition or several), applies them with the step of
 * {@link projectBatch}, and indexes them; the outcome's `events` are all indexed when it returns.
 * The live projector and the rebuild both go through here, so they decide duplicates and
 * retractions alike.
 *
 * A backlog's ids are new: the batch is applied first as if none of its reports were indexed,
 * each message decoded just before it is applied (its event then dies young, where a batch of
 * events kept whole survived the collections made while it was reduced, and were copied and
 * promoted by them), and its events indexed in bulk (COPY) without a lookup. Only when the index holds one
 * of them already (a duplicate on the log, rare) is the batch applied again, every id looked up
 * first; an id another transaction indexes meanwhile (a concurrent partition) then fails the
 * batch, whose retry finds it indexed. Retractions (found in the messages' bytes) are decoded
 * first, so their targets and full states are loaded before anything is applied or indexed.
 *
 * @throws Error when an id was indexed concurrently (PostgreSQL's unique_violation): the caller rolls
 *   back, and the batch applied again finds it indexed.
 */
export async function projectMessages<B extends EventBulk>(
  messages: readonly LogMessage[],
  lookups: BatchLookups<B>,
  opts: ProjectMessagesOptions = {},
): Promise<BatchOutcome<LogMessage>> {
  const decode = (m: LogMessage) => decodeMessage(m, opts.partitions);
  // Decoded ahead: the messages that may hold a retraction.
  const ahead = new Map<LogMessage, DecodedMessage<LogMessage>>();
  const needs: BatchNeeds = { subjects: new Set(), retracting: new Set(), ids: new Set() };
  for (const m of messages) {
    // A valid event's subject is its message's key (decoding checks it). A key that is no subject
    // (a message to dead-letter) is not sent to the database, which may refuse it (a NUL in it).
    if (m.key !== null && SUBJECT_PATTERN.test(m.key)) needs.subjects.add(m.key);
    if (m.value === null || !m.value.includes(MAY_RETRACT)) continue;
    const d = decode(m);
    ahead.set(m, d);
    if (d.ok) needRetraction(needs, d.event);
  }
  const decoded = (m: LogMessage) => ahead.get(m) ?? decode(m);
  const loaded = await loadFor(needs, lookups);
  try {
    const bulk = lookups.bulk(messages.length);
    const reducer = new BatchReducer<LogMessage>(loaded.indexed, loaded.summaries, needs.retracting, {
      fullStates: loaded.fullStates,
      onApplied: (e) => bulk.add(eventRowOf(e)),
      contentOf: (m) => {
        const d = decoded(m);
        return d.ok ? d.event : undefined;
      },
    });
    const reduce = async (): Promise<void> => {
      let sinceIo = 0;
      for (const m of messages) {
        if (++sinceIo === REDUCED_BETWEEN_IO) {
          sinceIo = 0;
          await ioTurn();
        }
        const d = decoded(m);
        if (d.ok && !needs.subjects.has(d.event.subject)) throw new Unforeseen();
        if (d.ok && d.event.type === 'report.retracted' && !ahead.has(m)) throw new Unforeseen();
        reducer.apply(d);
      }
    };
    await (opts.reduceTurn ? opts.reduceTurn.run(reduce) : reduce());
    if (await lookups.copyNewEvents(bulk)) return reducer.finish();
  } catch (e) {
    if (!(e instanceof Unforeseen)) throw e;
  }
  return projectLookedUp(messages.map(decode), lookups);
}

/**
 * The batch applied with every id looked up first (see {@link projectMessages}), its decoded
 * messages kept whole: duplicates are found before they are applied, and the rest indexed.
 */
async function projectLookedUp<B extends EventBulk>(decoded: DecodedMessage<LogMessage>[], lookups: BatchLookups<B>): Promise<BatchOutcome<LogMessage>> {
  const needs: BatchNeeds = { subjects: new Set(), retracting: new Set(), ids: new Set() };
  for (const d of decoded) {
    if (!d.ok) continue;
    needs.subjects.add(d.event.subject);
    needs.ids.add(d.event.id);
    needRetraction(needs, d.event);
  }
  const { indexed, summaries, fullStates } = await loadFor(needs, lookups);
  const bulk = lookups.bulk(decoded.length);
  const out = projectBatch(decoded, indexed, summaries, { fullStates, onApplied: (e) => bulk.add(eventRowOf(e)) });
  await lookups.copyEvents(bulk);
  return out;
}
