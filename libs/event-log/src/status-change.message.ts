import { z } from 'zod';
import { OutgoingMessage } from './event-log.producer';

/**
 * A status change as every feed carries it (topic, SSE, webhooks): the contract's shape
 * (section 5), plus `retractionOf` when a retraction caused it. `id` is deterministic
 * (`<causedBy>:<field>`), so a change sent twice is recognisable. The type and the published
 * JSON Schema ({@link statusChangeJsonSchema}) both come from this schema.
 */
export const STATUS_CHANGE_SCHEMA = z
  .object({
    id: z.string().meta({ description: '`<causedBy>:<field>`: a change delivered twice has the same id', examples: ['swap-agreed:status'] }),
    subject: z.string().meta({ description: '`exchange/<id>` or `negotiation/<id>`' }),
    field: z.enum(['status', 'reportedStatus']),
    from: z.string().nullable().meta({ description: 'The value before; null when there was none' }),
    to: z.string().nullable().meta({ description: 'The value after; null when a retraction left none' }),
    causedBy: z.string().meta({ description: 'The id of the event that caused the change' }),
    recordedAt: z.string().meta({ description: 'The recordedAt of that event (ISO instant)' }),
    retractionOf: z.string().optional().meta({ description: 'When a retraction caused it: the id of the retracted event' }),
  })
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

const FIELDS: ReadonlySet<string> = new Set(['status', 'reportedStatus']);

/** The JSON text of a change, keys in the contract's order (`retractionOf` only when set). */
export function statusChangeJson(c: StatusChangeMessage): string {
  const body: StatusChangeMessage = {
    id: c.id,
    subject: c.subject,
    field: c.field,
    from: c.from,
    to: c.to,
    causedBy: c.causedBy,
    recordedAt: c.recordedAt,
  };
  if (c.retractionOf) body.retractionOf = c.retractionOf;
  return JSON.stringify(body);
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

const nullableString = (v: unknown): v is string | null => v === null || typeof v === 'string';

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
  const c = parsed as Record<string, unknown>;
  if (
    typeof c !== 'object' || c === null ||
    typeof c.id !== 'string' || typeof c.subject !== 'string' || typeof c.field !== 'string' || !FIELDS.has(c.field) ||
    !nullableString(c.from) || !nullableString(c.to) || typeof c.causedBy !== 'string' || typeof c.recordedAt !== 'string' ||
    (c.retractionOf !== undefined && typeof c.retractionOf !== 'string')
  ) {
    return { ok: false, reason: 'not a status change' };
  }
  return { ok: true, change: c as unknown as StatusChangeMessage, at: { seq, prevSeq } };
}
