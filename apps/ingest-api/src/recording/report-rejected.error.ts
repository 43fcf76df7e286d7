import { ValidationIssue } from '@newsledger/domain';

/** Stable codes of a report refused before anything was appended, each with the shape of its `details`. */
export interface ReportRejectionDetails {
  /** Not a valid report (or a retraction of a retraction): one issue per field. */
  invalid_report: ValidationIssue[];
  /** A retraction of an event not on record for its subject. */
  unknown_event: ValidationIssue[];
  /** The id was used for a different report, or is being recorded by another request; no details. */
  id_conflict: [];
  /** A retraction of an event another retraction already withdrew. */
  already_retracted: ValidationIssue[];
  /** A key limited to other subject kinds. */
  forbidden_subject_kind: ValidationIssue[];
}

/** One of the stable codes in {@link ReportRejectionDetails}. */
export type ReportRejectionCode = keyof ReportRejectionDetails;

/** The details argument: required unless the code has none. */
type DetailsArg<C extends ReportRejectionCode> = ReportRejectionDetails[C] extends [] ? [details?: []] : [details: ReportRejectionDetails[C]];

/**
 * A report refused before anything was appended; the ingest API maps `code` to its HTTP status
 * and the contract's JSON error (a batch line carries it as its own). Switch on `code`; `details`
 * is typed by it.
 */
export class ReportRejectedError<C extends ReportRejectionCode = ReportRejectionCode> extends Error {
  override readonly name = 'ReportRejectedError';
  readonly details: ReportRejectionDetails[C];

  constructor(readonly code: C, message: string, ...[details]: DetailsArg<C>) {
    super(message);
    this.details = (details ?? []) as ReportRejectionDetails[C];
  }

  /** Narrows `details` to the shape of `code`. */
  is<K extends ReportRejectionCode>(code: K): this is ReportRejectedError<K> {
    return (this.code as ReportRejectionCode) === code;
  }
}

/**
 * `id_conflict` of a report whose id another send still holds, neither appended nor given up
 * within the wait: not a verdict on the report. Kafka admission reads the message again later
 * instead of refusing it.
 */
export class IdPendingError extends ReportRejectedError<'id_conflict'> {
  constructor(eventId: string) {
    super('id_conflict', `report id "${eventId}" is being recorded by another request; retry shortly`);
  }
}
