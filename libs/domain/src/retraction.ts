/**
 * @packageDocumentation
 * What a `report.retracted` may withdraw (contract §3: "an earlier event of the same subject").
 * Ingest checks it against the event index before appending, the projector and the rebuild
 * against the index and their batch, the reducer against the state: each with what it can see,
 * all through {@link retractionRefusal}.
 *
 * | target                                        | refusal             |
 * |-----------------------------------------------|---------------------|
 * | not on record                                 | `unknown_event`     |
 * | an event of another subject                   | `other_subject`     |
 * | a retraction (itself included)                | `retracts_retraction` |
 * | already withdrawn by another retraction       | `already_retracted` (the first one stands) |
 * | any other event of the same subject           | none: it is withdrawn |
 */

/** What a retraction's target is known to be, where the check runs. */
export interface RetractionTarget {
  subject: string;
  /** Its event type; only whether it is `report.retracted` matters. */
  type: string;
  /** The retraction that withdrew it, if one has. */
  retractedBy?: string | null;
}

/** Why a retraction withdraws nothing. */
export type RetractionRefusal =
  | { code: 'unknown_event' }
  | { code: 'other_subject'; subject: string }
  | { code: 'retracts_retraction' }
  | { code: 'already_retracted'; by: string };

/**
 * Why retraction `retraction` (of subject `subject`) may not withdraw `target`, or null when it may.
 * A target already withdrawn by this same retraction is not refused: that is a resend of it.
 */
export function retractionRefusal(
  retraction: { id: string; subject: string },
  target: RetractionTarget | undefined,
): RetractionRefusal | null {
  if (!target) return { code: 'unknown_event' };
  if (target.subject !== retraction.subject) return { code: 'other_subject', subject: target.subject };
  if (target.type === 'report.retracted') return { code: 'retracts_retraction' };
  if (target.retractedBy && target.retractedBy !== retraction.id) return { code: 'already_retracted', by: target.retractedBy };
  return null;
}
