import { z } from 'zod';
import { OutgoingMessage } from './event-log.producer';

/** Where a message of a desk's inbound topic sits. */
export interface InboundPosition {
  topic: string;
  partition: number;
  offset: string;
}

export type InboundBody =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; message: string };

/**
 * Reads a desk's message as the report it carries, in either form a desk may send: the JSON body
 * of `POST /v1/reports`, or a CloudEvent as the events topic holds them (structured JSON mode). Of
 * a CloudEvent only `id`, `type`, `subject` and `data` are read: `source` and `time` say who sent it
 * and when it was recorded, which the ingest API decides (the topic's desk, its own clock), and the
 * version of `data` is found as over HTTP. The report is validated afterwards, as an HTTP one is.
 */
export function inboundBody(value: Buffer | null): InboundBody {
  if (value === null) return { ok: false, message: 'empty message: send a report as JSON, as the body of POST /v1/reports' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return { ok: false, message: `not JSON (${(e as Error).message}): send a report as JSON, as the body of POST /v1/reports` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: 'must be a JSON object: a report, as the body of POST /v1/reports, or a CloudEvent' };
  }
  const message = parsed as Record<string, unknown>;
  if (!('specversion' in message)) return { ok: true, body: message };
  const { id, type, subject, data } = message;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, message: 'a CloudEvent must carry the rest of the report as its `data` object: {"occurredAt"?, "source", "confirmation", "data", "note"?}' };
  }
  return { ok: true, body: { ...(data as Record<string, unknown>), ...(id === undefined ? {} : { id }), type, subject } };
}

/**
 * The id of a report a desk sent without one: made of its key and the message's place, so the same
 * message read twice (after a crash, before its offset was committed) is claimed once.
 */
export function inboundReportId(keyId: string, at: InboundPosition): string {
  return `kafka.${keyId}.${at.partition}.${at.offset}`;
}

/**
 * What the ingest API puts on a desk's rejections topic for a message it refused: the HTTP
 * answer's error (code, message, details), whose message it was and where it sat. The type and the
 * published JSON Schema both come from this schema.
 */
export const INBOUND_REJECTION_SCHEMA = z
  .object({
    error: z.string().meta({ description: 'The error code an HTTP report would get, e.g. "invalid_report", "forbidden_subject_kind", "id_conflict"' }),
    message: z.string().meta({ description: 'What is wrong and how to fix it' }),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional().meta({ description: 'One per field at fault, as the HTTP API reports them' }),
    desk: z.string().meta({ description: 'The desk (key name) whose inbound topic held the message' }),
    eventId: z.string().optional().meta({ description: 'The report id, when the message had a valid one' }),
    original: z
      .object({
        topic: z.string(),
        partition: z.int().min(0),
        offset: z.string().regex(/^\d+$/).meta({ description: 'A Kafka offset (int64, hence a string)' }),
        key: z.string().nullable(),
        value: z.string().nullable().meta({ description: 'The first 16 KiB of the original value, as UTF-8 text' }),
      })
      .meta({ description: 'The refused message and where it sat' }),
    rejectedAt: z.string().meta({ description: 'When the ingest API refused it (ISO instant)' }),
  })
  .meta({ title: 'InboundRejection' });

export type InboundRejection = z.infer<typeof INBOUND_REJECTION_SCHEMA>;

const KEPT_BYTES = 16 * 1024;
const MAX_DETAILS = 50;

/** The rejection's message: keyed like the original, with its position as a header. */
export function encodeInboundRejection(rejection: InboundRejection): OutgoingMessage {
  const { topic, partition, offset } = rejection.original;
  const value = rejection.original.value;
  const kept = value !== null && Buffer.byteLength(value) > KEPT_BYTES ? Buffer.from(value).subarray(0, KEPT_BYTES).toString('utf8').replace(/\uFFFD$/, '') : value;
  const bounded: InboundRejection = {
    ...rejection,
    ...(rejection.details ? { details: rejection.details.slice(0, MAX_DETAILS) } : {}),
    original: { ...rejection.original, value: kept },
  };
  return {
    key: rejection.original.key ?? `${topic}/${partition}`,
    value: JSON.stringify(bounded),
    headers: { 'x-original-position': `${topic}/${partition}/${offset}` },
  };
}

/** The JSON Schema (draft 2020-12, no `$schema`) of a rejection. */
export function inboundRejectionJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(INBOUND_REJECTION_SCHEMA, { io: 'input' });
  return schema;
}
