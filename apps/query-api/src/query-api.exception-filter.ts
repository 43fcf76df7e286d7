import { Catch } from '@nestjs/common';
import { AuditError, AuditErrorCode } from '@newsledger/audit';
import { KafkaDeskError, KafkaDeskErrorCode } from '@newsledger/auth';
import { ErrorResponse, HttpErrorFilter } from '@newsledger/http';
import { QueryError, QueryErrorCode } from './query-api.error';

/** The HTTP status of each refused read. */
export const QUERY_STATUS: Readonly<Record<QueryErrorCode, number>> = {
  not_found: 404,
  invalid_query: 400,
  invalid_subscription: 400,
  target_not_allowed: 400,
  views_upgrading: 503,
};

/** The HTTP status of each audit refusal. */
export const AUDIT_STATUS: Readonly<Record<AuditErrorCode, number>> = {
  invalid_audit_request: 400,
  rebuild_not_found: 404,
  verify_not_found: 404,
  rebuild_cancelled: 409,
  log_unreadable: 503,
  job_failed: 500,
  rebuild_running: 409,
  rebuild_differs: 409,
  log_in_use: 409,
  log_refused: 409,
};

/** The HTTP status of each refusal to make or revoke a key on Kafka. */
export const KAFKA_DESK_STATUS: Readonly<Record<KafkaDeskErrorCode, number>> = {
  kafka_desk_refused: 400,
  kafka_desk_exists: 409,
  kafka_unavailable: 503,
};

/** Maps every failure of the query API to the contract's JSON error, once. */
@Catch()
export class QueryApiExceptionFilter extends HttpErrorFilter {
  protected override readonly logName = 'query-api';

  protected override describeOwn(e: unknown): ErrorResponse | undefined {
    if (e instanceof QueryError) {
      const code: QueryErrorCode = e.code;
      // The views are being derived again: come back shortly, as the list would be answered from the old rules.
      if (code === 'views_upgrading') return { status: QUERY_STATUS[code], headers: { 'retry-after': '5' }, body: { error: code, message: e.message } };
      return { status: QUERY_STATUS[code], body: { error: code, message: e.message, ...(e.details.length ? { details: e.details } : {}) } };
    }
    if (e instanceof AuditError) {
      const code: AuditErrorCode = e.code;
      const details = e.is('invalid_audit_request') ? e.details.issues : [e.details];
      return { status: AUDIT_STATUS[code], body: { error: code, message: e.message, details } };
    }
    if (e instanceof KafkaDeskError) return { status: KAFKA_DESK_STATUS[e.code], body: { error: e.code, message: e.message } };
    return undefined;
  }
}
