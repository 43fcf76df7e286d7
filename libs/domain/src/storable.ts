/**
 * What PostgreSQL can hold. A report is acknowledged before it is indexed, so anything the
 * database would refuse must be refused at the door (HTTP 400, or a dead letter on Kafka):
 * once on the log, a value PostgreSQL cannot store would otherwise stop its partition.
 *
 * | value | refused | why |
 * |---|---|---|
 * | text | the NUL character, lone UTF-16 surrogates | `text` and `jsonb` reject both (`invalid input syntax for type json`) |
 * | instant | before 0001-01-01T00:00:00Z, from 10000-01-01T00:00:00Z | PostgreSQL has no year 0 and reads only four-digit years back as JS writes them |
 * | number | not finite, or an integer beyond ±(2^53 − 1) | JSON writes `Infinity` as `null`, and larger integers do not survive a round trip |
 */

/**
 * Text without NUL or a lone surrogate, as one pattern: a zod string spreads it into `.regex(...)`,
 * and it reaches the published JSON Schemas (and the log decoder's compiled check) unchanged. It
 * reads the same with and without the `u` flag (ajv compiles patterns with it).
 */
export const STORABLE_TEXT_PATTERN = /^(?:[^\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

/** Why text is refused by {@link STORABLE_TEXT_PATTERN}, worded for the sender. */
export const UNSTORABLE_TEXT_MESSAGE =
  'must be valid Unicode text without the NUL character (\\u0000) or a lone UTF-16 surrogate (\\ud800-\\udfff), which cannot be stored';

/** `[pattern, params]` for a zod string's `.regex(...STORABLE)`. */
export const STORABLE = [STORABLE_TEXT_PATTERN, { error: UNSTORABLE_TEXT_MESSAGE }] as const;

/** Whether PostgreSQL can store this text (see {@link STORABLE_TEXT_PATTERN}). */
export function isStorableText(text: string): boolean {
  return STORABLE_TEXT_PATTERN.test(text);
}

/** 0001-01-01T00:00:00.000Z: the first instant stored and read back as written. */
export const EARLIEST_INSTANT_MS = -62135596800000;
/** 10000-01-01T00:00:00.000Z: the first instant past the range (its year has five digits). */
export const INSTANT_LIMIT_MS = 253402300800000;

/** Whether an instant (epoch milliseconds) lies in the range every store and reader handles. */
export function isStorableInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_INSTANT_MS && ms < INSTANT_LIMIT_MS;
}

/** How the instant range is worded in messages. */
export const INSTANT_RANGE = 'between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z';

/** Whether a number survives a round trip through JSON and PostgreSQL as the same number. */
export function isStorableNumber(n: number): boolean {
  return Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n));
}
