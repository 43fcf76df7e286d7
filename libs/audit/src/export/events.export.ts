import { dataschemaOf, INSTANT_FORMAT, recordedBound, tryParseSubject } from '@newsledger/domain';
import { EntityManager } from 'typeorm';
import { AuditError } from '../audit.error';

/** What to export: one subject, a window of recordedAt (`from` inclusive, `to` exclusive), or both. */
export interface ExportScope {
  subject?: string;
  from?: string;
  to?: string;
}

/**
 * One line of an export: the event as recorded (its data in the version of its type it was
 * recorded in, not upcast), where it sits on the log, and whether it was withdrawn.
 */
export interface ExportedEvent {
  eventId: string;
  type: string;
  subject: string;
  occurredAt: string | null;
  recordedAt: string;
  ingestor: string;
  source: unknown;
  confirmation: string;
  data: unknown;
  /** The version `data` is in, as its CloudEvent's `dataschema` names it (`urn:newsledger:schema:<type>:v<n>`). */
  dataschema: string;
  note: string | null;
  position: { partition: number; offset: string };
  retracted: boolean;
  retractedBy: string | null;
}

/** The columns of an event index row that {@link toExportedEvent} reads. */
export interface IndexedEventRow {
  event_id: string;
  type: string;
  subject: string;
  occurred_at: string | null;
  recorded_at: Date;
  ingestor: string;
  source: unknown;
  confirmation: string;
  data: unknown;
  data_version: number;
  note: string | null;
  partition: number;
  offset: string;
  retracted_by: string | null;
}

interface Row extends IndexedEventRow {
  /** recorded_at at full precision, for the keyset (a Date keeps only milliseconds). */
  recorded_key: string;
}

/**
 * Checks and normalises an export scope (instants to UTC ISO).
 * @throws AuditError `invalid_audit_request` listing every problem.
 */
export function exportScopeOf(input: { subject?: string; from?: string; to?: string }): ExportScope {
  const issues: { path: string; message: string }[] = [];
  const scope: ExportScope = {};
  if (input.subject) {
    if (tryParseSubject(input.subject)) scope.subject = input.subject;
    else issues.push({ path: 'subject', message: 'must be "exchange/<id>" or "negotiation/<id>"' });
  }
  for (const key of ['from', 'to'] as const) {
    const value = input[key];
    if (!value) continue;
    // A date alone counts whole: from its first instant, to the end of it (`to` is exclusive).
    const bound = recordedBound(value, key === 'from' ? 'start' : 'after');
    if (bound) scope[key] = bound.instant;
    else issues.push({ path: key, message: `must be ${INSTANT_FORMAT}, or a date YYYY-MM-DD (the whole day, UTC); got "${value}"` });
  }
  if (issues.length === 0 && !scope.subject && !scope.from && !scope.to) {
    issues.push({ path: '', message: 'name a subject, a window (from and/or to), or both' });
  }
  if (scope.from && scope.to && scope.from >= scope.to) issues.push({ path: 'to', message: 'must be later than from' });
  if (issues.length > 0) throw new AuditError('invalid_audit_request', 'the export scope is not valid', { issues });
  return scope;
}

/** An event index row as exports and the history endpoint show it. */
export function toExportedEvent(r: IndexedEventRow): ExportedEvent {
  return {
    eventId: r.event_id,
    type: r.type,
    subject: r.subject,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at.toISOString(),
    ingestor: r.ingestor,
    source: r.source,
    confirmation: r.confirmation,
    data: r.data,
    dataschema: dataschemaOf(r.type, r.data_version),
    note: r.note,
    position: { partition: r.partition, offset: String(r.offset) },
    retracted: r.retracted_by !== null,
    retractedBy: r.retracted_by,
  };
}

/**
 * The events of a scope from the event index, page by page (keyset, so the export never holds a
 * long transaction or a table lock): a subject's in log order, a window's by recordedAt then position.
 */
export async function* exportEvents(q: Pick<EntityManager, 'query'>, scope: ExportScope, pageSize = 1000): AsyncGenerator<ExportedEvent> {
  const bySubject = scope.subject !== undefined;
  let after: Row | undefined;
  for (;;) {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: (v: unknown) => string) => string) => where.push(sql((v) => `$${params.push(v)}`));
    if (scope.subject) add((p) => `subject = ${p(scope.subject)}`);
    if (scope.from) add((p) => `recorded_at >= ${p(scope.from)}`);
    if (scope.to) add((p) => `recorded_at < ${p(scope.to)}`);
    if (after) {
      const last = after;
      add((p) =>
        bySubject
          ? `(partition, "offset") > (${p(last.partition)}::int, ${p(last.offset)}::bigint)`
          : `(recorded_at, partition, "offset") > (${p(last.recorded_key)}::timestamptz, ${p(last.partition)}::int, ${p(last.offset)}::bigint)`,
      );
    }
    const order = bySubject ? `partition, "offset"` : `recorded_at, partition, "offset"`;
    const rows: Row[] = await q.query(
      `SELECT event_id, type, subject, occurred_at, recorded_at, ingestor, source, confirmation, data, data_version, note, partition, "offset", retracted_by,
              recorded_at::text AS recorded_key
       FROM events WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${Math.max(1, Math.floor(pageSize))}`,
      params,
    );
    for (const r of rows) yield toExportedEvent(r);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1];
  }
}
