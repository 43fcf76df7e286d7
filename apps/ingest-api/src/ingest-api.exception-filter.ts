import { Catch } from '@nestjs/common';
import { LogUnavailableError } from '@newsledger/event-log';
import { ErrorResponse, HttpErrorFilter } from '@newsledger/http';
import { LogRefusedError } from './event-log/log-refusal.gate';
import { BatchBodyError } from './record-batch/batch-body.parser';
import { ReportRejectedError, ReportRejectionCode } from './recording/report-rejected.error';

/** The HTTP status of each refusal of a report. */
export const REJECTION_STATUS: Readonly<Record<ReportRejectionCode, number>> = {
  invalid_report: 400,
  unknown_event: 400,
  id_conflict: 409,
  already_retracted: 409,
  forbidden_subject_kind: 403,
};

/** Maps every failure of the ingest API to the contract's JSON error, once. */
@Catch()
export class IngestApiExceptionFilter extends HttpErrorFilter {
  protected override readonly logName = 'ingest-api';

  protected override describeOwn(e: unknown): ErrorResponse | undefined {
    if (e instanceof ReportRejectedError) {
      // instanceof leaves the code parameter open: the code is one of them all.
      const code: ReportRejectionCode = e.code;
      return { status: REJECTION_STATUS[code], body: { error: code, message: e.message, ...(e.details.length ? { details: e.details } : {}) } };
    }
    if (e instanceof BatchBodyError) return { status: 400, body: { error: e.code, message: e.message } };
    if (e instanceof LogRefusedError) return { status: 503, headers: { 'retry-after': '30' }, body: { error: e.code, message: e.message } };
    if (e instanceof LogUnavailableError) {
      return { status: 503, headers: { 'retry-after': '5' }, body: { error: e.code, message: `${e.message}; retry later with the same id (it is recorded once, whatever became of this attempt)` } };
    }
    return undefined;
  }
}
