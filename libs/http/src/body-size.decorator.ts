import { ArgumentsHost, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';

/** Where the body parsers leave the size of the body they read, in bytes. */
export const BODY_BYTES = Symbol('bodyBytes');

type Sized = { [BODY_BYTES]?: number };

/** Notes on the request how many bytes its body had: a chunked body carries no Content-Length. */
export function noteBodyBytes(req: FastifyRequest, bytes: number): void {
  (req as FastifyRequest & Sized)[BODY_BYTES] = bytes;
}

/** The size in bytes of the body as received (undefined when it had none). */
export const BodySize = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  (ctx.switchToHttp().getRequest<FastifyRequest & Sized>())[BODY_BYTES],
);

/** The body limit of the route a failed request was for, to say it in a 413. */
export function bodyLimitOf(host: ArgumentsHost): number | undefined {
  return host.switchToHttp().getRequest<FastifyRequest | undefined>()?.routeOptions?.bodyLimit;
}
