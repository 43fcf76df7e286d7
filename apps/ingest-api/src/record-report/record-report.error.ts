import { ValidationIssue } from '@newsledger/domain';

/** A report refused before anything was appended; `code` is stable and ends up in the JSON error. */
export class ReportRejectedError extends Error {
  constructor(
    readonly code: 'invalid_report' | 'unknown_event' | 'id_conflict' | 'already_retracted' | 'forbidden_subject_kind',
    message: string,
    readonly details: ValidationIssue[] = [],
  ) {
    super(message);
  }
}
