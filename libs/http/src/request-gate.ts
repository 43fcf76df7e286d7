import { accessOf, ApiKeyService, authorize, Principal, RouteAccessTable } from '@newsledger/auth';
import { errorCodes, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { RateLimitedError } from './error-body';
import { RateLimiter } from './rate-limit.module';

/**
 * How much of a body over its route's limit is read and thrown away before the 413 is sent. A
 * client still sending when the connection closes gets a reset instead of the answer (EPIPE with
 * Node's fetch), so the body is read to its end first; past this, the connection is closed.
 */
export const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

/** What the gate checks before a request's body is read. */
export interface RequestGateOptions {
  /** counts requests per key id (absent: no rate limit) */
  limiter?: RateLimiter;
  /** judges keys (absent: every route is open, as in an app without AuthModule) */
  keys?: ApiKeyService;
  /** the scope or `@Public()` of every controller route */
  access: RouteAccessTable;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, judged in the `onRequest` stage (the scope guard reads it). */
    principal?: Principal;
  }
}

const tooLarge = () => new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();

function expectsContinue(req: IncomingMessage): boolean {
  return /^100-continue$/i.test(req.headers.expect ?? '');
}

/** Reads `raw` to its end and drops it; false when it is longer than `max` bytes (then left unread) or broken off. */
function discard(raw: IncomingMessage, max: number): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = 0;
    const done = (whole: boolean) => {
      raw.off('data', onData).off('end', onEnd).off('error', onBroken).off('close', onBroken);
      resolve(whole);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > max) {
        raw.pause();
        done(false);
      }
    };
    const onEnd = () => done(true);
    const onBroken = () => done(raw.complete);
    raw.on('data', onData).on('end', onEnd).on('error', onBroken).on('close', onBroken);
    raw.resume();
  });
}

/**
 * A chunked body (no length said up front) passed on up to `limit` bytes; past it, the rest is
 * read and dropped up to `discardLimit`, and the stream then fails with the 413, so the answer
 * goes out once the client has sent everything.
 */
class LimitedBody extends Transform {
  private received = 0;

  constructor(private readonly limit: number, private readonly discardLimit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.discardLimit) return callback(tooLarge());
    if (this.received > this.limit) return callback();
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.received > this.limit ? tooLarge() : null);
  }
}

/**
 * Judges every request before a byte of its body is read: the rate limit (all but `/health`),
 * then the key and scope of the route (controller routes not marked `@Public()`), in Fastify's
 * `onRequest` stage; a refusal is the usual JSON error (429, 401, 403). Then, in `preParsing`:
 * a client that asked `Expect: 100-continue` is told to send only now, so a refused or oversized
 * request is answered before its body is sent at all; a body declared over the route's limit is
 * read and dropped before its 413 (or, past {@link DISCARD_LIMIT_BYTES}, answered on a closing
 * connection); a chunked one is cut at the limit the same way.
 */
export function installRequestGate(fastify: FastifyInstance, server: Server, opts: RequestGateOptions): void {
  // Without this listener Node answers `100 Continue` itself, as soon as the headers arrive.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));

  fastify.addHook('onRequest', async (request: FastifyRequest, _reply: FastifyReply) => {
    const url = request.routeOptions.url;
    if (opts.limiter && url !== '/health') {
      const verdict = opts.limiter.hit(request.headers.authorization, request.ip);
      if (!verdict.ok) throw new RateLimitedError(verdict.retryAfterSeconds);
    }
    const access = accessOf(opts.access, request.method, url);
    if (opts.keys && access && !access.public) {
      request.principal = await authorize(opts.keys, request.headers.authorization, access.scope, { revocationAtWrite: access.revocationAtWrite });
    }
  });

  fastify.addHook('preParsing', (request: FastifyRequest, reply: FastifyReply, payload: Readable, done: (err?: Error | null, body?: Readable) => void) => {
    const raw = request.raw;
    const limit = request.routeOptions.bodyLimit ?? Infinity;
    const declared = raw.headers['content-length'] === undefined ? undefined : Number(raw.headers['content-length']);
    if (declared !== undefined && declared > limit) {
      // Never told to continue, the client has sent nothing; Node closes the connection after this answer.
      if (expectsContinue(raw)) return done(tooLarge());
      if (declared > DISCARD_LIMIT_BYTES) {
        reply.header('connection', 'close');
        return done(tooLarge());
      }
      void discard(raw, DISCARD_LIMIT_BYTES).then((whole) => {
        if (!whole) reply.header('connection', 'close');
        done(tooLarge());
      });
      return;
    }
    if (expectsContinue(raw)) reply.raw.writeContinue();
    if (declared === undefined && raw.headers['transfer-encoding'] !== undefined) {
      return done(null, payload.pipe(new LimitedBody(limit, DISCARD_LIMIT_BYTES)));
    }
    done(null, payload);
  });
}
