import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { ApiKeyService, routeAccessTable } from '@newsledger/auth';
import { CONFIG, loadConfig, NewsledgerConfig, withConfig } from '@newsledger/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes } from 'fastify';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { parse as secureJsonParse } from 'secure-json-parse';
import { API_DOCS, ApiDocsInfo, setupApiDocs } from './api-docs';
import { routeBodyLimit } from './body-size.decorator';
import { ndjsonRoutes } from './content-type.decorator';
import { InvalidJsonError } from './error-body';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';
import { RateLimiter } from './rate-limit.module';
import { installRequestGate } from './request-gate';
import { installSecurityHeaders } from './security-headers';
import { fastifyServedRoutes } from './served-by-fastify.decorator';

/** A provider's instance when some module of the app has it (looked up without `app.get`, which logs a miss as an error). */
function providerOf<T>(app: INestApplication, token: string | symbol | Type<T>): T | undefined {
  for (const module of app.get(ModulesContainer).values()) {
    const provider = module.providers.get(token);
    if (provider) return provider.instance as T;
  }
  return undefined;
}

const TOO_DEEP = `the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels; a report needs far fewer`;

/**
 * Creates a Fastify-backed Nest app with the project's logger, body limits, shutdown hooks and,
 * when it imports `ApiDocsModule`, its OpenAPI document at `/docs`; then starts listening.
 */
export async function startHttpApp(
  /** the app's root module, with its configuration provided (`withConfig`) */
  module: Type<unknown> | DynamicModule,
  opts: { host: string; port: number; bodyLimit: number },
): Promise<INestApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: opts.bodyLimit,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && given.length <= 128 ? given : randomUUID();
    },
  });
  // Nest's own JSON parser is off: ours (below) gives the contract's error and refuses prototype keys.
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, bodyParser: false, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Helmet's headers computed once at start-up and set from a list: its chain of middlewares cost
  // ~4 % of the ingest API's CPU at single-report load.
  installSecurityHeaders(app.getHttpAdapter().getInstance());
  const docs = providerOf<ApiDocsInfo>(app, API_DOCS);
  if (docs) setupApiDocs(app, docs);
  const fastify = app.getHttpAdapter().getInstance();
  // Routes are registered when the app starts listening: a route with a body limit of its own
  // (RouteBodyLimit) gets it from the configuration then.
  const served = fastifyServedRoutes(app.get(ModulesContainer));
  fastify.addHook('onRoute', (route) => {
    const limit = routeBodyLimit(route.config, () => app.get<NewsledgerConfig>(CONFIG));
    if (limit !== undefined) route.bodyLimit = limit;
    // Fastify calls such a method itself, in place of Nest's router (see ServedByFastify).
    for (const method of [route.method].flat()) {
      const handler = served.get(`${method} ${route.url}`);
      if (handler) route.handler = handler;
    }
  });
  // Our own JSON parser, so a bad body gets the contract's invalid_json error, and "__proto__" or
  // "constructor.prototype" keys are refused instead of reaching a handler.
  fastify.removeContentTypeParser('application/json');
  // Read as bytes: Fastify counts them against the route's limit, chunked bodies included.
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => {
    if (nestsDeeperThan(body as Buffer, MAX_JSON_DEPTH)) return done(new InvalidJsonError(TOO_DEEP), undefined);
    const text = body.toString('utf8');
    if (text.trim() === '') return done(new InvalidJsonError('the body is empty; send a JSON value'), undefined);
    try {
      done(null, secureJsonParse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (e) {
      done(new InvalidJsonError(`the body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });
  // Read once the routes are known (below): only those marked AcceptsNdjson take NDJSON.
  let ndjson: ReadonlySet<string> = new Set();
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer' }, (req, body, done) => {
    if (!ndjson.has(`${req.method} ${req.routeOptions.url}`)) return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined);
    if (nestsDeeperThan(body as Buffer, MAX_JSON_DEPTH, true)) return done(new InvalidJsonError(`a line of ${TOO_DEEP}`), undefined);
    done(null, body.toString('utf8'));
  });
  // Fastify reads text/plain by default; no route takes it, so it gets the 415 like any other type.
  fastify.removeContentTypeParser('text/plain');
  // Routes and the request logger's middleware are in place after init: the gate's hooks come
  // after the logger's, so refused requests are logged too.
  await app.init();
  ndjson = ndjsonRoutes(app.get(ModulesContainer));
  const access = routeAccessTable(app.get(ModulesContainer));
  for (const route of access.keys()) {
    const [method, url] = route.split(' ');
    if (method !== '*' && !fastify.hasRoute({ method: method as 'GET', url })) {
      throw new Error(`${route} is declared by a controller but not served under that path: its key would not be checked before its body is read`);
    }
  }
  installRequestGate(fastify, fastify.server, {
    limiter: providerOf(app, RateLimiter),
    keys: providerOf(app, ApiKeyService),
    access,
  });
  await app.listen(opts.port, opts.host);
  return app;
}

/**
 * An app's whole `main`: reads the configuration once, starts the app with it on the address
 * `listen` picks from it, and exits 1 with the error when it cannot start.
 */
export function runHttpApp(module: Type<unknown>, listen: (config: NewsledgerConfig) => { host: string; port: number; bodyLimit: number }): void {
  const start = async () => {
    const config = loadConfig();
    await startHttpApp(withConfig(module, config), listen(config));
  };
  start().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
