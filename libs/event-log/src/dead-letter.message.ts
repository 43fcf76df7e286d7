import { createHash } from 'node:crypto';
import { z } from 'zod';
import { OutgoingMessage } from './event-log.producer';

/**
 * What the projector puts on the dead-letter topic for a message of the events topic it could not
 * accept: why, and the original message whole, so it can be fixed and re-published. The type and
 * the published JSON Schema ({@link deadLetterJsonSchema}) both come from this schema.
 */
export const DEAD_LETTER_SCHEMA = z
  .object({
    reason: z.string().meta({ description: 'Why it was refused, e.g. "report failed validation"' }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).meta({ description: 'One per invalid field, as the HTTP API reports them' }),
    original: z
      .object({
        topic: z.string(),
        partition: z.int().min(0),
        offset: z.string().regex(/^\d+$/).meta({ description: 'A Kafka offset (int64, hence a string)' }),
        timestamp: z.string().meta({ description: 'The original message timestamp (ISO instant)' }),
        key: z.string().nullable(),
        value: z.string().nullable().meta({ description: 'The original value as UTF-8 text; only its first bytes when `truncated`' }),
        truncated: z.boolean().optional().meta({ description: 'True when `value` holds only the first bytes of a value too large to carry whole' }),
        bytes: z.int().min(0).optional().meta({ description: 'The length of the original value in bytes (when truncated)' }),
        sha256: z.string().optional().meta({ description: 'The SHA-256 of the original value, hex (when truncated): to match it with the original' }),
      })
      .meta({ description: 'The refused message and where it sits' }),
  })
  .meta({ title: 'DeadLetter' });

export type DeadLetter = z.infer<typeof DEAD_LETTER_SCHEMA>;

/** Kafka header of a dead letter: `<topic>/<partition>/<offset>` of the original, so a re-sent dead letter is recognisable. */
export const DEAD_LETTER_HEADERS = { originalPosition: 'x-original-position' } as const;

/**
 * The largest dead letter, in bytes of JSON: well under the broker's default `message.max.bytes`
 * (1 MiB), which a dead letter wrapping and escaping a near-limit original would exceed, so it
 * could never be written and its batch would be retried forever.
 */
export const DEAD_LETTER_MAX_BYTES = 256 * 1024;
/** How much of an original too large to carry whole a dead letter keeps. */
export const DEAD_LETTER_KEPT_BYTES = 16 * 1024;
/** The most issues a dead letter lists, and the longest text of each. */
const MAX_ISSUES = 50;
const MAX_TEXT = 1000;

/**
 * The message for the dead-letter topic: keyed like the original (by its position when it had no
 * key). It always fits the broker: past {@link DEAD_LETTER_MAX_BYTES} it carries the original's
 * first bytes, its length and its SHA-256 instead of the whole, and at most 50 issues.
 */
export function encodeDeadLetter(letter: DeadLetter): OutgoingMessage {
  const { topic, partition, offset } = letter.original;
  const key = letter.original.key !== null && Buffer.byteLength(letter.original.key) > MAX_TEXT ? null : letter.original.key;
  const clip = (text: string) => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text);
  const bounded: DeadLetter = {
    reason: clip(letter.reason),
    issues: letter.issues.slice(0, MAX_ISSUES).map((i) => ({ path: clip(i.path), message: clip(i.message) })),
    original: { ...letter.original, key },
  };
  let value = JSON.stringify(bounded);
  if (Buffer.byteLength(value) > DEAD_LETTER_MAX_BYTES && letter.original.value !== null) {
    const whole = Buffer.from(letter.original.value, 'utf8');
    // Cut on a character boundary: a split UTF-8 sequence would decode to a replacement character.
    const first = whole.subarray(0, DEAD_LETTER_KEPT_BYTES).toString('utf8').replace(/\uFFFD$/, '');
    bounded.original = { ...bounded.original, value: first, truncated: true, bytes: whole.length, sha256: createHash('sha256').update(whole).digest('hex') };
    value = JSON.stringify(bounded);
  }
  return {
    key: key ?? `${topic}/${partition}`,
    value,
    headers: { [DEAD_LETTER_HEADERS.originalPosition]: `${topic}/${partition}/${offset}` },
  };
}

/** The JSON Schema (draft 2020-12, no `$schema`) of a dead letter. */
export function deadLetterJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(DEAD_LETTER_SCHEMA, { io: 'input' });
  return schema;
}
