import { isInstant, SUBJECT_PATTERN } from '@newsledger/domain';
import { decodeKeysetCursor, encodeKeysetCursor } from '../query-params';

/** Where a page ended: the last view's `last_recorded_at` and subject (the keyset). */
export interface ListCursor {
  at: string;
  subject: string;
}

/** The opaque `nextCursor` of a page. */
export function encodeListCursor(at: Date, subject: string): string {
  return encodeKeysetCursor(at.toISOString(), subject);
}

/**
 * Reads a cursor back, or null when it is not one {@link encodeListCursor} could have made: both
 * parts end up in SQL, so a forged instant or subject must not get that far.
 */
export function decodeListCursor(cursor: string): ListCursor | null {
  const keys = decodeKeysetCursor(cursor);
  if (!keys) return null;
  const [at, subject] = keys;
  if (typeof at !== 'string' || typeof subject !== 'string' || !isInstant(at) || !SUBJECT_PATTERN.test(subject)) return null;
  return { at, subject };
}
