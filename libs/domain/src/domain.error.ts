/**
 * Stable error codes of the domain library, each with the shape of its `details`.
 *
 * Apps map these to their transport (HTTP status, dead-letter reason) in one place; the
 * domain never knows about HTTP.
 */
export interface DomainErrorDetails {
  /** A subject string that is not `negotiation/<id>` or `exchange/<id>`. */
  invalid_subject: { subject: string };
  /** An event handed to the reducer of another subject. */
  subject_mismatch: { expected: string; actual: string; eventId: string };
  /** An event type that does not belong to the subject's kind (only reachable by bypassing validation). */
  event_kind_mismatch: { subject: string; type: string; eventId: string };
  /** An event whose type no reducer knows (only reachable by bypassing validation). */
  unknown_event_type: { type: string };
  /** A retraction handed to a summary, which does not keep what it would withdraw. */
  retraction_needs_history: { eventId: string };
  /** Two views of different subjects compared. */
  view_mismatch: { before: string; after: string };
  /** A date or instant that {@link occurredOnOrBefore} cannot read. */
  invalid_time: { value: string };
  /** A stored summary or state written under another `STATE_VERSION`, which must be derived again from the events. */
  stale_state: { subject: string };
  /** An event recorded in a version of its type this release does not know (written by a newer one). */
  unknown_version: { type: string; version: number };
}

/** One of the stable codes in {@link DomainErrorDetails}. */
export type DomainErrorCode = keyof DomainErrorDetails;

/**
 * The only error the domain throws. Switch on `code`; `details` is typed by it.
 *
 * @example
 * if (e instanceof DomainError && e.is('invalid_subject')) log(e.details.subject);
 */
export class DomainError<C extends DomainErrorCode = DomainErrorCode> extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: C,
    message: string,
    readonly details: DomainErrorDetails[C],
  ) {
    super(message);
  }

  /** Narrows `details` to the shape of `code`. */
  is<K extends DomainErrorCode>(code: K): this is DomainError<K> {
    return (this.code as DomainErrorCode) === code;
  }
}
