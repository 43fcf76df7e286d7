import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { describeCommonError, ErrorResponse } from '@newsledger/http';
import { FastifyReply } from 'fastify';
import { QueryError } from './query-api.error';

/** Maps every failure of the query API to the contract's JSON error, once. */
@Catch()
export class QueryApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('query-api');

  catch(e: unknown, host: ArgumentsHost): void {
    const r = this.describe(e);
    host.switchToHttp().getResponse<FastifyReply>().status(r.status).headers(r.headers ?? {}).send(r.body);
  }

  private describe(e: unknown): ErrorResponse {
    if (e instanceof QueryError) {
      return { status: e.code === 'not_found' ? 404 : 400, body: { error: e.code, message: e.message, ...(e.details.length ? { details: e.details } : {}) } };
    }
    return describeCommonError(e, (errorId, err) => this.logger.error({ errorId, err }, 'unexpected error'));
  }
}
