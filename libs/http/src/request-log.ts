import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Params, PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import type { Logger } from 'pino';

/** Probes and scrapes every few seconds would drown the request log; they are logged at debug. */
const QUIET_PATHS = new Set(['/health', '/metrics']);
/** Request headers that carry credentials: never logged, not even at debug. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
/** Error bodies larger than this are not read for their code (ours are a few hundred bytes). */
const MAX_ERROR_BODY = 64 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** The contract error code of the answer, when it was an error. */
    errorCode?: string;
  }
}

/** The `error` of a contract error body, if `payload` is one. */
export function errorCodeOf(payload: unknown): string | undefined {
  const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
  if (text === undefined || text.length > MAX_ERROR_BODY || !text.startsWith('{')) return undefined;
  try {
    const code = (JSON.parse(text) as { error?: unknown }).error;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The request's headers without its credentials, for debug logs. */
export function loggableHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !SECRET_HEADERS.has(name.toLowerCase())));
}

/**
 * One log line per answered request: method, path, status, milliseconds, the key's name, the
 * error code and the request id, which every response also carries as `x-request-id`.
 */
@Injectable()
export class RequestLog implements OnModuleInit {
  /** The app's own logger (LoggingModule makes it), not the request's: a route may have none (ServedByFastify). */
  private readonly logger: Logger;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(PARAMS_PROVIDER_TOKEN) params: Params,
  ) {
    this.logger = (params.pinoHttp as { logger: Logger }).logger;
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      reply.header('x-request-id', request.id);
      done();
    });
    fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
      if (reply.statusCode >= 400) request.errorCode = errorCodeOf(payload);
      done(null, payload);
    });
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      this.logRequest(request, reply);
      done();
    });
  }

  private logRequest(request: FastifyRequest, reply: FastifyReply): void {
    const logger = this.logger;
    const status = reply.statusCode;
    const path = request.url.split('?')[0];
    const level = status >= 500 ? 'error' : QUIET_PATHS.has(path) ? 'debug' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        reqId: request.id,
        method: request.method,
        path: request.url,
        status,
        ms: Math.round(reply.elapsedTime),
        key: request.principal?.name,
        error: request.errorCode,
        headers: logger.isLevelEnabled('debug') ? loggableHeaders(request.headers) : undefined,
      },
      'request',
    );
  }
}
