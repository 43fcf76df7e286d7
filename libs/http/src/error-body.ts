import { HttpException } from '@nestjs/common';
import { AuthError, KeyCheckPausedError } from '@newsledger/auth';
import { isDatabaseUnavailable, sqlStateOf } from '@newsledger/persistence';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { UnknownQueryParamError } from './documented-query.interceptor';

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

/** PostgreSQL's query_canceled: a statement timeout, or a cancel. */
const QUERY_CANCELED = '57014';

/** The request body is not JSON (or smuggles prototype keys). */
export class InvalidJsonError extends Error {
  readonly code = 'invalid_json';
  readonly statusCode = 400;
}

/** More requests for a key id (or header, or address) than the rate limit allows in its window. */
export class RateLimitedError extends Error {
  readonly code = 'rate_limited';

  constructor(
    /** whole seconds until the window ends (at least 1) */
    readonly retryAfterSeconds: number,
  ) {
    super('too many requests for this key; wait for the number of seconds in Retry-After');
  }
}

/** The codes every API may answer with besides its own: keys, limits, the framework's refusals, the database, the unexpected. */
export const COMMON_ERROR_CODES = [
  'missing_key', 'invalid_key', 'forbidden', 'rate_limited', 'invalid_json', 'not_found', 'method_not_allowed', 'payload_too_large',
  'unsupported_media_type', 'http_error', 'database_unavailable', 'query_timeout', 'internal',
] as const;

/** One of {@link COMMON_ERROR_CODES}. */
export type CommonErrorCode = (typeof COMMON_ERROR_CODES)[number];

/** The code of a framework refusal by its HTTP status; any other status is `http_error`. */
const HTTP_EXCEPTION_CODES: Readonly<Record<number, CommonErrorCode>> = {
  404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited',
};

/** Fastify's message for a body over the route's limit. */
const FASTIFY_TOO_LARGE = 'Request body is too large';

/** What a framework refusal tells the client: what went wrong and how to fix it. */
function httpExceptionMessage(status: number, message: string, bodyLimit: number | undefined): string {
  // Only an unknown route gets the pointer; a 404 of a known route says what it did not find.
  if (status === 404 && message.startsWith('Cannot ')) return `${message}; see /v1 routes in the README or /docs`;
  if (status === 429) return 'too many requests for this key; wait for the number of seconds in Retry-After';
  // Fastify's own refusals reach the filter as plain HttpExceptions that say what, not how to fix it.
  if (status === 413 && message === FASTIFY_TOO_LARGE) {
    return `the body is larger than the ${bodyLimit ?? 'configured'} bytes this endpoint accepts; send less, or split a batch into several requests`;
  }
  if (status === 415) return `${message}; send application/json (or application/x-ndjson to the batch endpoint)`;
  return message;
}

/**
 * Maps the errors every API shares (auth, framework, body parsing) to the contract's JSON body.
 * Anything unknown is a 500 with an errorId; its stack goes to the log, never to the client.
 */
export function describeCommonError(
  e: unknown,
  logUnexpected: (errorId: string, e: unknown) => void,
  /** the failed request's route body limit (`bodyLimitOf`), to say it in a 413 */
  bodyLimit?: number,
): ErrorResponse {
  if (e instanceof AuthError) {
    const status = e.code === 'forbidden' ? 403 : 401;
    return { status, body: { error: e.code, message: e.message, ...(e.details ? { details: [e.details] } : {}) } };
  }
  // Answered as the rate limit answers: the client should wait and send the same key again.
  if (e instanceof KeyCheckPausedError) {
    return { status: 429, headers: { 'retry-after': String(e.retryAfterSeconds) }, body: { error: e.code, message: e.message } };
  }
  if (e instanceof RateLimitedError) {
    return { status: 429, headers: { 'retry-after': String(e.retryAfterSeconds) }, body: { error: e.code, message: e.message } };
  }
  if (e instanceof InvalidJsonError) return { status: 400, body: { error: e.code, message: e.message } };
  if (e instanceof UnknownQueryParamError) return { status: 400, body: { error: e.code, message: e.message, details: e.details } };
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const code = HTTP_EXCEPTION_CODES[status] ?? 'http_error';
    const message = httpExceptionMessage(status, e.message, bodyLimit);
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
  // PostgreSQL stopped the request's statement (the API's statement timeout, or an operator's cancel).
  if (sqlStateOf(e) === QUERY_CANCELED) {
    return {
      status: 503,
      headers: { 'retry-after': '5' },
      body: { error: 'query_timeout', message: "PostgreSQL stopped this request's statement: it ran longer than the API allows, or an operator cancelled it; retry shortly, or ask for less at once (a narrower filter or window, a smaller limit)" },
    };
  }
  const errorId = randomUUID();
  logUnexpected(errorId, e);
  return { status: 500, body: { error: 'internal', message: 'an unexpected error occurred; quote the errorId when reporting it', errorId } };
}
