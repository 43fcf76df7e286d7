import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { bodyLimitOf } from './body-size.decorator';
import { describeCommonError, ErrorResponse } from './error-body';

/**
 * The contract's JSON error for every failure of an app, in one place: an API maps its own errors
 * in {@link HttpErrorFilter.describeOwn} (a subclass, itself `@Catch()`), and everything else
 * (auth, limits, the framework, the database, the unexpected) is mapped alike for all. As it is,
 * the filter of an app with no errors of its own (the projector's /health and /metrics).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  /** The logger context of unexpected errors. */
  protected readonly logName: string = 'http';

  catch(e: unknown, host: ArgumentsHost): void {
    const logUnexpected = (errorId: string, err: unknown) => new Logger(this.logName).error({ errorId, err }, 'unexpected error');
    const r = this.describeOwn(e) ?? describeCommonError(e, logUnexpected, bodyLimitOf(host));
    host.switchToHttp().getResponse<FastifyReply>().status(r.status).headers(r.headers ?? {}).send(r.body);
  }

  /** The answer to an error of the app's own, or undefined to map it as every API does. */
  protected describeOwn(_e: unknown): ErrorResponse | undefined {
    return undefined;
  }
}
