/**
 * The shape and rules of the summaries and full states this code writes (view rows, snapshots).
 * One stored under another version was derived by other rules (v1 had no corroboration ladder or
 * disputes, and a phase report did not count as under way; v2 had no headline and nothing for a
 * list's `q` to search; v3 kept a round's agenda as one string, not a list): it is never moved on
 * or replayed from, but derived again from the subject's events.
 */
export const STATE_VERSION = 4;

/** Whether a stored summary or full state was written under this {@link STATE_VERSION}. */
export function isCurrentState(stored: unknown): boolean {
  return typeof stored === 'object' && stored !== null && (stored as { version?: unknown }).version === STATE_VERSION;
}
