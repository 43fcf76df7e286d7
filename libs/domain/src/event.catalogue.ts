import type { SubjectKind } from './subject';

/**
 * What events exist: their types, the words their reports use, and the limits on their text.
 * The shapes of their `data` are in `report.schema.ts`; how a report is told what is wrong with
 * it, in `report.wording.ts`.
 */

/** Every event type, in contract order (v1, then §7.6's descriptions after their kind's). Never rename or reuse one: a new shape gets a new version. */
export const EVENT_TYPES = [
  'exchange.proposed',
  'exchange.agreed',
  'exchange.underway',
  'exchange.phase.completed',
  'exchange.completed',
  'exchange.suspended',
  'exchange.cancelled',
  'exchange.details.reported',
  'exchange.described',
  'negotiation.round.announced',
  'negotiation.round.held',
  'negotiation.mediation.proposed',
  'negotiation.mediation.endorsed',
  'negotiation.mediation.rejected',
  'negotiation.position.stated',
  'negotiation.document.announced',
  'negotiation.ceasefire.reported',
  'negotiation.status.reported',
  'negotiation.described',
  'report.retracted',
] as const;
/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Whether `type` is one of {@link EVENT_TYPES}. */
export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type);
}

/** The subject kinds a type may be about: its prefix, or either for `report.retracted`. */
export function subjectKindsOf(type: EventType): readonly SubjectKind[] {
  if (type.startsWith('exchange.')) return ['exchange'];
  if (type.startsWith('negotiation.')) return ['negotiation'];
  return ['negotiation', 'exchange'];
}

/** The ingestor's editorial judgement of a report. */
export const CONFIRMATIONS = ['confirmed', 'reported', 'claimed', 'unconfirmed', 'denied'] as const;
/** `confirmed` · `reported` · `claimed` · `unconfirmed` · `denied`. */
export type Confirmation = (typeof CONFIRMATIONS)[number];

/** What kind of source a report comes from. */
export const SOURCE_KINDS = ['official', 'military', 'government', 'agency', 'media', 'social', 'unnamed'] as const;
/** One of {@link SOURCE_KINDS}. */
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What `negotiation.ceasefire.reported` can say. */
export const CEASEFIRE_STATUSES = ['none', 'proposed', 'agreed', 'in_force', 'violated', 'collapsed'] as const;
/** One of {@link CEASEFIRE_STATUSES}. */
export type CeasefireStatus = (typeof CEASEFIRE_STATUSES)[number];

/** What `negotiation.status.reported` can say. */
export const NEGOTIATION_STATUS_REPORTS = ['stalled', 'collapsed', 'concluded', 'resumed'] as const;
/** One of {@link NEGOTIATION_STATUS_REPORTS}. */
export type NegotiationStatusReport = (typeof NEGOTIATION_STATUS_REPORTS)[number];

/** Report ids and retracted event ids: a UUID or any other 1-100 characters of `A-Z a-z 0-9 . _ : -`. */
export const REPORT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

/** Longest `note` a report may carry. */
export const NOTE_MAX_LENGTH = 2000;

/** Longest `title` of a description (contract §7.6). */
export const TITLE_MAX_LENGTH = 200;
/** Longest `summary` of a description (contract §7.6). */
export const SUMMARY_MAX_LENGTH = 2000;

/**
 * The version of each type's `data` written now, for the types past version 1. A changed shape is
 * a new version, never a new meaning for an old one (style rule 8); the reducers read only the
 * current version, and an event recorded in an earlier one is upcast when read (`event.upcast.ts`).
 *
 * | type | version | what changed |
 * |---|---|---|
 * | `negotiation.round.announced` | 2 | `agenda` is a list of items; in version 1 it was one string |
 */
export const EVENT_VERSIONS = { 'negotiation.round.announced': 2 } as const satisfies Partial<Record<EventType, number>>;

/** The version of `type`'s data this code writes: 1 unless {@link EVENT_VERSIONS} says otherwise. */
export function currentVersionOf(type: EventType): number {
  return (EVENT_VERSIONS as Partial<Record<EventType, number>>)[type] ?? 1;
}

/**
 * Earlier versions the HTTP API still accepts, through the last day given (UTC): such a report is
 * recorded as sent and upcast when read. Events already on the log are read in every version,
 * forever; only new reports in a deprecated version are refused once a release drops it.
 */
export const DEPRECATED_VERSIONS: readonly { type: EventType; version: number; deprecatedSince: string; acceptedUntil: string }[] = [
  { type: 'negotiation.round.announced', version: 1, deprecatedSince: '2026-12-05', acceptedUntil: '2027-06-30' },
];

/**
 * The CloudEvents `dataschema` of a type's version: its name for good. `GET /v1/schemas/<type>/versions/<n>`
 * serves the JSON Schema it names; a message without one is of version 1, as every message was
 * before versions existed.
 */
export function dataschemaOf(type: string, version: number): string {
  return `urn:newsledger:schema:${type}:v${version}`;
}

/** The version a message's `dataschema` names for its type: 1 when absent, undefined when it names no version of the type. */
export function versionNamed(type: EventType, dataschema: unknown): number | undefined {
  if (dataschema === undefined) return 1;
  if (typeof dataschema !== 'string') return undefined;
  const prefix = dataschemaOf(type, 0).slice(0, -1);
  if (!dataschema.startsWith(prefix)) return undefined;
  const version = Number(dataschema.slice(prefix.length));
  return /^[1-9]\d{0,2}$/.test(dataschema.slice(prefix.length)) && version <= currentVersionOf(type) ? version : undefined;
}
