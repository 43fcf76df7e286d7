import { HttpException } from '@nestjs/common';
import { AuthError } from '@newsledger/auth';
import { isDatabaseUnavailable } from '@newsledger/persistence';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/** The contract's error body, as a schema so the API documents show exactly this shape. */
export const ERROR_BODY_SCHEMA = z
  .object({
    error: z.string().meta({ description: 'A stable code to switch on, such as "invalid_report" or "forbidden"', examples: ['invalid_report'] }),
    message: z.string().meta({ description: 'What went wrong and how to fix it' }),
    details: z
      .array(z.unknown())
      .optional()
      .meta({ description: 'Specifics, e.g. one {path, message} per invalid field, or {required, granted} scopes' }),
    errorId: z.string().optional().meta({ description: 'On 500s only: the id to find the failure in the logs' }),
  })
  .meta({ title: 'Error' });

/** The contract's error body. */
export type ErrorBody = z.infer<typeof ERROR_BODY_SCHEMA>;

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** The request body is not JSON (or smuggles prototype keys). */
export class InvalidJsonError extends Error {
  readonly code = 'invalid_json';
  readonly statusCode = 400;
}

const FASTIFY_CODES: Record<string, { error: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { error: 'payload_too_large', message: 'the body is larger than this endpoint accepts; split it into smaller requests' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { error: 'unsupported_media_type', message: 'send application/json (or application/x-ndjson for batches)' },
};

/**
 * Maps the errors every API shares (auth, framework, body parsing) to the contract's JSON body.
 * Anything unknown is a 500 with an errorId; its stack goes to the log, never to the client.
 */
export function describeCommonError(e: unknown, logUnexpected: (errorId: string, e: unknown) => void): ErrorResponse {
  if (e instanceof AuthError) {
    const status = e.code === 'forbidden' ? 403 : 401;
    return { status, body: { error: e.code, message: e.message, ...(e.details ? { details: [e.details] } : {}) } };
  }
  if (e instanceof InvalidJsonError) return { status: 400, body: { error: e.code, message: e.message } };
  const fastifyCode = (e as { code?: string })?.code;
  if (fastifyCode && FASTIFY_CODES[fastifyCode]) {
    const status = (e as { statusCode?: number }).statusCode ?? 400;
    const known = FASTIFY_CODES[fastifyCode];
    return { status, body: { error: known.error, message: `${known.message} (${(e as Error).message})` } };
  }
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const code = ({ 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 429: 'rate_limited' } as Record<number, string>)[status] ?? 'http_error';
    const message =
      // Only an unknown route gets the pointer; a 404 of a known route says what it did not find.
      status === 404 && e.message.startsWith('Cannot ') ? `${e.message}; see /v1 routes in the README or /docs`
        : status === 429 ? 'too many requests for this key; wait for the number of seconds in Retry-After'
          : e.message;
    return { status, body: { error: code, message } };
  }
  // PostgreSQL down or restarting (the key check of every request meets it first): the client
  // should come back shortly, as /health says, rather than report a bug.
  if (isDatabaseUnavailable(e)) {
    return {
      status: 503,
      headers: { 'retry-after': '5' },
      body: { error: 'database_unavailable', message: 'PostgreSQL is unreachable right now; retry in a few seconds (GET /health says when it is back)' },
    };
  }
  const errorId = randomUUID();
  logUnexpected(errorId, e);
  return { status: 500, body: { error: 'internal', message: 'an unexpected error occurred; quote the errorId when reporting it', errorId } };
}
