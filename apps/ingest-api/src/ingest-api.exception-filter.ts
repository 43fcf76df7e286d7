import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { LogUnavailableError } from '@newsledger/event-log';
import { bodyLimitOf, describeCommonError, ErrorResponse } from '@newsledger/http';
import { FastifyReply } from 'fastify';
import { LogRefusedError } from './event-log/log-refusal.gate';
import { BatchBodyError } from './record-batch/batch-body.parser';
import { ReportRejectedError } from './record-report/record-report.error';

/** Maps every failure of the ingest API to the contract's JSON error, once. */
@Catch()
export class IngestApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ingest-api');

  catch(e: unknown, host: ArgumentsHost): void {
    const r = this.describe(e, bodyLimitOf(host));
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    reply.status(r.status).headers(r.headers ?? {}).send(r.body);
  }

  private describe(e: unknown, bodyLimit: number | undefined): ErrorResponse {
    if (e instanceof ReportRejectedError) {
      const status = e.code === 'id_conflict' || e.code === 'already_retracted' ? 409 : e.code === 'forbidden_subject_kind' ? 403 : 400;
      return { status, body: { error: e.code, message: e.message, ...(e.details.length ? { details: e.details } : {}) } };
    }
    if (e instanceof BatchBodyError) return { status: 400, body: { error: e.code, message: e.message } };
    if (e instanceof LogRefusedError) return { status: 503, headers: { 'retry-after': '30' }, body: { error: e.code, message: e.message } };
    if (e instanceof LogUnavailableError) {
      return { status: 503, headers: { 'retry-after': '5' }, body: { error: e.code, message: `${e.message}; retry later with the same id (it is recorded once, whatever became of this attempt)` } };
    }
    return describeCommonError(e, (errorId, err) => this.logger.error({ errorId, err }, 'unexpected error'), bodyLimit);
  }
}
