import helmet from '@fastify/helmet';
import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { parse as secureJsonParse } from 'secure-json-parse';
import { InvalidJsonError } from './error-body';

/**
 * Creates a Fastify-backed Nest app with the project's logger, body limits and shutdown hooks,
 * and starts listening.
 */
export async function startHttpApp(
  module: Type<unknown>,
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
  await app.register(helmet);
  const fastify = app.getHttpAdapter().getInstance();
  // Our own JSON parser, so a bad body gets the contract's invalid_json error, and "__proto__" or
  // "constructor.prototype" keys are refused instead of reaching a handler.
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(new InvalidJsonError('the body is empty; send a JSON value'), undefined);
    try {
      done(null, secureJsonParse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (e) {
      done(new InvalidJsonError(`the body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  await app.listen(opts.port, opts.host);
  return app;
}
