import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What helmet does to every response, written down once: the headers it sets and those it removes. */
export interface SecurityHeaders {
  set: ReadonlyArray<readonly [name: string, value: string]>;
  removed: readonly string[];
}

/** The project's helmet settings. */
export const SECURITY_HEADER_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    // The APIs speak plain HTTP behind whatever terminates TLS; upgrading subresource requests
    // would break the pages they serve (Swagger UI at /docs) when reached over HTTP by address.
    directives: { upgradeInsecureRequests: null },
  },
};

/**
 * Runs helmet once against a response that only records, so each request gets the same headers
 * from a list instead of from helmet's chain of thirteen middlewares. Valid because none of these
 * settings reads the request (no CSP nonce): helmet would answer every request alike.
 */
export function securityHeaders(options: HelmetOptions = SECURITY_HEADER_OPTIONS): SecurityHeaders {
  if (readsTheRequest(options)) throw new Error('helmet\'s headers cannot be computed once: a CSP directive is a function of the request');
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      set.push([name, String(value)]);
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let failure: unknown;
  let called = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    called = true;
    failure = err;
  });
  // A setting that needs the request or works asynchronously cannot be written down once.
  if (!called || failure) throw new Error(`helmet's headers cannot be computed once: ${String(failure ?? 'it did not finish synchronously')}`);
  return { set, removed };
}

/** Whether a CSP directive is computed per request (a function, as nonces are). */
function readsTheRequest(options: HelmetOptions): boolean {
  const csp = options.contentSecurityPolicy;
  const directives = typeof csp === 'object' && csp !== null ? (csp.directives ?? {}) : {};
  return Object.values(directives).some((value) => typeof value === 'function' || (Array.isArray(value) && value.some((v) => typeof v === 'function')));
}

/** Sets the security headers on every response, in the `onRequest` stage, as helmet's middleware did. */
export function installSecurityHeaders(fastify: FastifyInstance, headers: SecurityHeaders = securityHeaders()): void {
  const { set, removed } = headers;
  fastify.addHook('onRequest', (_request, reply, done) => {
    const res = reply.raw;
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value);
    done();
  });
}
