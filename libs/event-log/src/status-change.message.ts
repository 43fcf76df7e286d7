import { CONFIRMATIONS, CORROBORATION_LEVELS, EVENT_TYPES, EXCHANGE_STATUSES, SOURCE_KINDS } from '@newsledger/domain';
import { z } from 'zod';
import { OutgoingMessage } from './event-log.producer';

const common = {
  subject: z.string().meta({ description: '`exchange/<id>` or `negotiation/<id>`' }),
  causedBy: z.string().meta({ description: 'The id of the event that caused the change' }),
  recordedAt: z.string().meta({ description: 'The recordedAt of that event (ISO instant)' }),
  retractionOf: z.string().optional().meta({ description: 'When a retraction caused it: the id of the retracted event' }),
  cause: z
    .object({
      eventId: z.string(),
      type: z.enum(EVENT_TYPES),
      confirmation: z.enum(CONFIRMATIONS),
      source: z.object({ name: z.string(), kind: z.enum(SOURCE_KINDS) }).catchall(z.unknown()).meta({ description: "The event's source, as reported" }),
    })
    .optional()
    .meta({ description: 'The event that caused the change (absent only on changes recorded before v1.1)' }),
  level: z
    .enum(CORROBORATION_LEVELS)
    .nullable()
    .optional()
    .meta({ description: 'The corroboration level of the stage `to` names; null when `to` is null or names no exchange stage (a negotiation status, a dispute). Absent only before v1.1' }),
  reason: z
    .string()
    .optional()
    .meta({
      description: "Plain English naming the cause's source and, after a retraction, the retracted report's source and the retraction's reason. Absent only before v1.1",
      examples: ['Reported status moved from completed to underway: the report by Donald Trump that the exchange was completed (claimed) was retracted by Reuters: premature.'],
    }),
};
const level = z.enum(CORROBORATION_LEVELS).nullable();
const values = z.array(z.number()).nullable();

/**
 * A change as every feed carries it (topic, SSE, webhooks): the contract's shape (section 5),
 * plus `retractionOf` when a retraction caused it, and (§7.4) `cause`, `level`, `reason` and the
 * `corroboration` and `dispute` kinds. `id` is deterministic (`<causedBy>:<field>`,
 * `<causedBy>:corroboration`, `<causedBy>:dispute:<fact>`), so a change sent twice is
 * recognisable. The type and the published JSON Schema ({@link statusChangeJsonSchema}) both come
 * from this schema.
 */
export const STATUS_CHANGE_SCHEMA = z
  .union([
    z.object({
      id: z.string().meta({ description: '`<causedBy>:<field>`: a change delivered twice has the same id', examples: ['swap-agreed:status'] }),
      field: z.enum(['status', 'reportedStatus']),
      from: z.string().nullable().meta({ description: 'The value before; null when there was none' }),
      to: z.string().nullable().meta({ description: 'The value after; null when a retraction left none' }),
      ...common,
    }).meta({ title: 'StatusFieldChange' }),
    z.object({
      id: z.string().meta({ description: '`<causedBy>:corroboration`' }),
      field: z.literal('corroboration'),
      stage: z.enum(EXCHANGE_STATUSES).meta({ description: 'The `reportedStatus` stage, which did not change' }),
      from: level.meta({ description: "The stage's level before" }),
      to: level.meta({ description: "The stage's level after" }),
      ...common,
    }).meta({ title: 'CorroborationChange' }),
    z.object({
      id: z.string().meta({ description: '`<causedBy>:dispute:<fact>`' }),
      field: z.literal('dispute'),
      fact: z.string().meta({ description: '`phase.<n>.<P>` or `released.<P>`', examples: ['released.RU'] }),
      from: values.meta({ description: 'The distinct values before, ascending; null when the dispute opens' }),
      to: values.meta({ description: 'The distinct values after, ascending; null when the dispute ends' }),
      ...common,
    }).meta({ title: 'DisputeChange' }),
  ])
  .meta({ title: 'StatusChange' });

export type StatusChangeMessage = z.infer<typeof STATUS_CHANGE_SCHEMA>;

/** The JSON Schema (draft 2020-12, no `$schema`) of a status change: every feed's message body. */
export function statusChangeJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(STATUS_CHANGE_SCHEMA, { io: 'input' });
  return schema;
}

/**
 * Where a change sits in its feed. `seq` only grows, with gaps; `prevSeq` is the `seq` of the
 * change just before it in the same feed (0 for the first), so a reader can tell a gap in what it
 * received from a gap in the numbering.
 */
export interface FeedPosition {
  seq: number;
  prevSeq: number;
}

/** Kafka headers of a status-change message. */
export const STATUS_CHANGE_HEADERS = {
  id: 'newsledger-change-id',
  seq: 'newsledger-seq',
  prevSeq: 'newsledger-prev-seq',
} as const;

/** The JSON text of a change, keys in the contract's order (each optional one only when set). */
export function statusChangeJson(c: StatusChangeMessage): string {
  const body: Record<string, unknown> = { id: c.id, subject: c.subject, field: c.field };
  if (c.field === 'corroboration') body.stage = c.stage;
  if (c.field === 'dispute') body.fact = c.fact;
  body.from = c.from;
  body.to = c.to;
  body.causedBy = c.causedBy;
  body.recordedAt = c.recordedAt;
  if (c.retractionOf) body.retractionOf = c.retractionOf;
  if (c.cause !== undefined) body.cause = c.cause;
  if (c.level !== undefined) body.level = c.level;
  if (c.reason !== undefined) body.reason = c.reason;
  return JSON.stringify(body);
}

/** A `status_changes` row as the relay, the SSE feed and webhooks select it. */
export interface StatusChangeColumns {
  id: string;
  subject: string;
  field: string;
  from_value: string | null;
  to_value: string | null;
  caused_by: string;
  retraction_of: string | null;
  recorded_at: Date;
  /** What §7.4 adds; null on rows recorded before it. */
  payload: Record<string, unknown> | null;
}

/** The contract's change from an outbox row: its columns, and its payload where it has one. */
export function statusChangeOfColumns(r: StatusChangeColumns): StatusChangeMessage {
  return {
    id: r.id,
    subject: r.subject,
    field: r.field,
    from: r.from_value,
    to: r.to_value,
    ...r.payload,
    causedBy: r.caused_by,
    recordedAt: r.recorded_at.toISOString(),
    ...(r.retraction_of ? { retractionOf: r.retraction_of } : {}),
  } as StatusChangeMessage;
}

/** The message for the status-changes topic: keyed by subject, change id and position in headers. */
export function encodeStatusChange(change: StatusChangeMessage, at: FeedPosition): OutgoingMessage {
  return {
    key: change.subject,
    value: statusChangeJson(change),
    headers: {
      [STATUS_CHANGE_HEADERS.id]: change.id,
      [STATUS_CHANGE_HEADERS.seq]: String(at.seq),
      [STATUS_CHANGE_HEADERS.prevSeq]: String(at.prevSeq),
      'content-type': 'application/json',
    },
  };
}

export type DecodedStatusChange = { ok: true; change: StatusChangeMessage; at: FeedPosition } | { ok: false; reason: string };

function position(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/** Reads a message of the status-changes topic back; anything else is refused with a reason. */
export function decodeStatusChange(value: Buffer | string | null, headers: Readonly<Record<string, string | undefined>>): DecodedStatusChange {
  const seq = position(headers[STATUS_CHANGE_HEADERS.seq]);
  const prevSeq = position(headers[STATUS_CHANGE_HEADERS.prevSeq]);
  if (seq === undefined || prevSeq === undefined || prevSeq >= seq) return { ok: false, reason: 'missing or bad position headers' };
  if (value === null) return { ok: false, reason: 'empty message' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const r = STATUS_CHANGE_SCHEMA.safeParse(parsed);
  if (!r.success) return { ok: false, reason: 'not a status change' };
  // The parsed value itself, not zod's copy: its extra keys (a newer producer's) are passed on as they came.
  return { ok: true, change: parsed as StatusChangeMessage, at: { seq, prevSeq } };
}
