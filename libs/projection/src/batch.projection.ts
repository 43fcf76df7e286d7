import {
  evolve,
  initialState,
  negotiationLinkOf,
  parseSubject,
  RecordedEvent,
  statusChanges,
  StatusView,
  SubjectState,
  toStatusView,
  toView,
  ValidationIssue,
} from '@newsledger/domain';
import { fromCloudEvent, LogMessage } from '@newsledger/event-log';
import { DueSnapshot, EventRow, StatusChangeRow, ViewRow } from '@newsledger/persistence';

/** One message of the batch after decoding. */
export type DecodedMessage<M> = { message: M } & (
  | { ok: true; event: RecordedEvent }
  | { ok: false; reason: string; issues: ValidationIssue[] }
);

export interface BatchOutcome<M> {
  events: EventRow[];
  views: ViewRow[];
  rejected: { message: M; reason: string; issues: ValidationIssue[] }[];
  retracted: { eventId: string; by: string }[];
  links: { eventId: string; negotiation: string; exchange: string; recordedAt: string }[];
  unlinks: string[];
  changes: StatusChangeRow[];
  /** States at each multiple of `snapshotEvery` events that a subject reached in this batch. */
  snapshots: DueSnapshot[];
  duplicates: number;
}

export interface ProjectBatchOptions {
  /** Capture a subject's state each time its event count reaches a multiple of this (none when absent). */
  snapshotEvery?: number;
}

/**
 * Applies a batch of decoded messages, in log order, to the states of their subjects. Pure: the
 * caller loads `indexed` (already-indexed events among the batch's ids and retraction targets)
 * and `states`, and writes the outcome in one transaction.
 */
export function projectBatch<M>(
  decoded: readonly DecodedMessage<M>[],
  indexed: ReadonlyMap<string, { subject: string; type: string }>,
  stored: ReadonlyMap<string, SubjectState>,
  opts: ProjectBatchOptions = {},
): BatchOutcome<M> {
  const out: BatchOutcome<M> = { events: [], views: [], rejected: [], retracted: [], links: [], unlinks: [], changes: [], snapshots: [], duplicates: 0 };
  const known = new Map(indexed);
  const states = new Map<string, SubjectState>();
  const statusViews = new Map<string, StatusView>();

  for (const d of decoded) {
    if (!d.ok) {
      out.rejected.push({ message: d.message, reason: d.reason, issues: d.issues });
      continue;
    }
    const e = d.event;
    if (known.has(e.id)) {
      out.duplicates += 1;
      continue;
    }
    let retractionOf: string | null = null;
    if (e.type === 'report.retracted') {
      retractionOf = String((e.data as { eventId: string }).eventId);
      const target = known.get(retractionOf);
      if (!target || target.subject !== e.subject || target.type === 'report.retracted') {
        out.rejected.push({
          message: d.message,
          reason: target ? 'a retraction must name a non-retraction event of the same subject' : `retraction of unknown event "${retractionOf}"`,
          issues: [{ path: 'data.eventId', message: 'must name an earlier event of the same subject' }],
        });
        continue;
      }
      out.retracted.push({ eventId: retractionOf, by: e.id });
      out.unlinks.push(retractionOf);
      // The store deletes unlinks before it inserts links: a link made earlier in this batch must go here.
      const linked = out.links.findIndex((l) => l.eventId === retractionOf);
      if (linked >= 0) out.links.splice(linked, 1);
    }
    known.set(e.id, { subject: e.subject, type: e.type });

    const before = states.get(e.subject) ?? stored.get(e.subject) ?? initialState(e.subject);
    const after = evolve(before, e);
    states.set(e.subject, after);
    if (opts.snapshotEvery && after.eventCount % opts.snapshotEvery === 0) {
      out.snapshots.push({
        subject: e.subject,
        eventCount: after.eventCount,
        partition: e.position.partition,
        offset: e.position.offset,
        maxRecordedAt: after.lastRecordedAt ?? e.recordedAt,
        state: after,
      });
    }
    // Only the status fields: deriving the whole view per event would make a batch quadratic in a subject's size.
    const statusBefore = statusViews.get(e.subject) ?? toStatusView(before);
    const statusAfter = toStatusView(after);
    statusViews.set(e.subject, statusAfter);
    for (const c of statusChanges(statusBefore, statusAfter)) {
      out.changes.push({
        id: `${e.id}:${c.field}`,
        subject: e.subject,
        kind: parseSubject(e.subject).kind,
        field: c.field,
        from: c.from,
        to: c.to,
        causedBy: e.id,
        retractionOf,
        recordedAt: e.recordedAt,
      });
    }
    const link = negotiationLinkOf(e);
    if (link) out.links.push({ eventId: e.id, ...link, recordedAt: e.recordedAt });
    out.events.push({
      eventId: e.id,
      subject: e.subject,
      kind: parseSubject(e.subject).kind,
      type: e.type,
      partition: e.position.partition,
      offset: e.position.offset,
      recordedAt: e.recordedAt,
      occurredAt: e.occurredAt ?? null,
      ingestor: e.ingestor,
      source: e.source,
      confirmation: e.confirmation,
      data: e.data,
      note: e.note ?? null,
    });
  }

  for (const [subject, state] of states) {
    const view = toView(state);
    out.views.push({
      subject,
      kind: view.kind,
      status: view.status,
      reportedStatus: view.kind === 'exchange' ? view.reportedStatus : null,
      parties: [...view.parties],
      eventCount: view.eventCount,
      // never null here: the state has just taken at least one event
      lastRecordedAt: view.lastRecordedAt ?? '',
      state,
    });
  }
  return out;
}

/** Decodes a log message exactly as an HTTP report is validated: the event, or why it is not one. */
export function decodeMessage(message: LogMessage): DecodedMessage<LogMessage> {
  const r = fromCloudEvent(message.value, message);
  return r.ok ? { message, ok: true, event: r.event } : { message, ok: false, reason: r.reason, issues: r.issues };
}

/** Where {@link projectMessages} reads what a batch needs to know; both run in the caller's transaction. */
export interface BatchLookups {
  /** The already-indexed events among these ids. */
  findEvents(ids: string[]): Promise<ReadonlyMap<string, { subject: string; type: string }>>;
  /** The stored states of these subjects. */
  loadStates(subjects: string[]): Promise<ReadonlyMap<string, unknown>>;
}

/**
 * Decodes fresh messages of one partition, loads the indexed events among their ids and
 * retraction targets and the states of their subjects, and applies them with {@link projectBatch}.
 * The live projector and the rebuild both go through here, so they decide duplicates and
 * retractions against the same lookups.
 */
export async function projectMessages(
  messages: readonly LogMessage[],
  lookups: BatchLookups,
  opts: ProjectBatchOptions = {},
): Promise<BatchOutcome<LogMessage>> {
  const decoded = messages.map(decodeMessage);
  const ids = new Set<string>();
  const subjects = new Set<string>();
  for (const d of decoded) {
    if (!d.ok) continue;
    ids.add(d.event.id);
    subjects.add(d.event.subject);
    if (d.event.type === 'report.retracted') ids.add(String((d.event.data as { eventId: string }).eventId));
  }
  const indexed = await lookups.findEvents([...ids]);
  const states = (await lookups.loadStates([...subjects])) as ReadonlyMap<string, SubjectState>;
  return projectBatch(decoded, indexed, states, opts);
}
