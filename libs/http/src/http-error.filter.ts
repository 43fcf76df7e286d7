import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { bodyLimitOf } from './body-size.decorator';
import { describeCommonError } from './error-body';

/** The contract's JSON errors for an app with no errors of its own (the projector's /health and /metrics). */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(e: unknown, host: ArgumentsHost): void {
    const r = describeCommonError(e, (errorId, err) => this.logger.error({ errorId, err }, 'unexpected error'), bodyLimitOf(host));
    host.switchToHttp().getResponse<FastifyReply>().status(r.status).headers(r.headers ?? {}).send(r.body);
  }
}
