import { AuditErrorCode } from '@newsledger/audit';
import { AuthErrorCode, KafkaDeskErrorCode } from '@newsledger/auth';
import { API_ERROR_CODES, NewsledgerErrorCode } from '@newsledger/client';
import { LogUnavailableError } from '@newsledger/event-log';
import { COMMON_ERROR_CODES } from '@newsledger/http';
import { LogRefusedError } from '../apps/ingest-api/src/event-log/log-refusal.gate';
import { REJECTION_STATUS } from '../apps/ingest-api/src/ingest-api.exception-filter';
import { BatchBodyError } from '../apps/ingest-api/src/record-batch/batch-body.parser';
import { ReportRejectionCode } from '../apps/ingest-api/src/recording/report-rejected.error';
import { QueryErrorCode } from '../apps/query-api/src/query-api.error';
import { AUDIT_STATUS, KAFKA_DESK_STATUS, QUERY_STATUS } from '../apps/query-api/src/query-api.exception-filter';

/** Compiles only while every code of the APIs' error classes is one the client's `NewsledgerError.code` names. */
type Known<C extends NewsledgerErrorCode> = C;
export type ServedCodes = Known<ReportRejectionCode | QueryErrorCode | AuditErrorCode | AuthErrorCode | KafkaDeskErrorCode>;

describe("the client's error codes", () => {
  it('name every code the ingest and query APIs answer with', () => {
    const served = [
      ...Object.keys(REJECTION_STATUS),
      ...Object.keys(QUERY_STATUS),
      ...Object.keys(AUDIT_STATUS),
      ...Object.keys(KAFKA_DESK_STATUS),
      ...COMMON_ERROR_CODES,
      new BatchBodyError('').code,
      new LogRefusedError('').code,
      new LogUnavailableError('').code,
      // A batch line that is not JSON.
      'invalid_json',
    ];
    expect(served.filter((code) => !(API_ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
    expect([...API_ERROR_CODES].filter((code) => !served.includes(code))).toEqual([]);
  });
});
