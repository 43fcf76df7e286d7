import { isInstant, SUBJECT_PATTERN } from '@newsledger/domain';

/** Where a page ended: the last view's `last_recorded_at` and subject (the keyset). */
export interface ListCursor {
  at: string;
  subject: string;
}

/** The opaque `nextCursor` of a page. */
export function encodeListCursor(at: Date, subject: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), subject])).toString('base64url');
}

/**
 * Reads a cursor back, or null when it is not one {@link encodeListCursor} could have made: both
 * parts end up in SQL, so a forged instant or subject must not get that far.
 */
export function decodeListCursor(cursor: string): ListCursor | null {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return null;
  const [at, subject] = decoded as unknown[];
  if (typeof at !== 'string' || typeof subject !== 'string' || !isInstant(at) || !SUBJECT_PATTERN.test(subject)) return null;
  return { at, subject };
}
