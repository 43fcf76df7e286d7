import type { RecordedAs } from './event.upcast';
import type { Report } from './report.schema';

/** What a report says, without its id and the metadata of its recording (ingestor, recordedAt, position). */
export interface ReportContent {
  type: string;
  subject: string;
  occurredAt?: string | null;
  source: unknown;
  confirmation: string;
  data: unknown;
  note?: string | null;
  /** What was recorded, when `data` is upcast from an earlier version: the content compared. */
  recordedAs?: RecordedAs;
}

/**
 * A report's content as one string, the same however its sender ordered the keys of its objects
 * (`{"RU":150,"UA":150}` is `{"UA":150,"RU":150}`), in which order it listed the parties or the
 * mediators, and whether an absent field is missing or null.
 * Two reports with the same id are one report sent twice when their keys are equal, and an id
 * conflict otherwise: the rule of the ingest API's 409 and of the projector's `id_conflict` alike.
 * The data compared is as recorded (as sent), so a resend of a report in a deprecated version is
 * the same report it was before versions existed.
 */
export function reportContentKey(report: ReportContent | Report): string {
  const { type, subject, occurredAt, source, confirmation, note, recordedAs } = report as ReportContent;
  const data = recordedAs ? recordedAs.data : report.data;
  return canonicalJson({ type, subject, occurredAt: occurredAt ?? null, source, confirmation, data: asSets(data), note: note ?? null });
}

/** Lists the views read as sets (the parties, the mediators): `["RU","UA"]` says what `["UA","RU"]` says. */
const SET_FIELDS = ['parties', 'mediators'] as const;

function asSets(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const field of SET_FIELDS) {
    const list = out[field];
    if (Array.isArray(list)) out[field] = [...list].sort();
  }
  return out;
}

/** JSON with every object's keys in code-unit order, at every depth; `undefined` members are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${members.join(',')}}`;
}
