import { Module } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { hostname } from 'node:os';
import { LoggerModule } from 'nestjs-pino';
import { pino, type LevelWithSilent } from 'pino';
import { appNameOf, readableLogStream } from './log-line.format';
import { RequestLog } from './request-log';
import { fastifyServedExclusions } from './served-by-fastify.decorator';

/** Nest's start-up listing of every module and route: useful when debugging, noise otherwise. */
const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);
const INFO = 30;

/**
 * Logs as JSON, or one readable line per record at a terminal (or with `LOG_FORMAT=pretty`); each
 * record names its app; requests get one line each from {@link RequestLog}, never their key.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [CONFIG, ModulesContainer],
      useFactory: (config: NewsledgerConfig, modules: ModulesContainer) => {
        const app = appNameOf(process.argv[1]);
        // Made here, not by pino-http, so the request log writes its lines with this app's logger
        // (see RequestLog): several apps in one process (the tests) share nestjs-pino's fallback.
        const logger = pino(
          {
            level: config.log.level as LevelWithSilent,
            base: { pid: process.pid, hostname: hostname(), ...(app ? { app } : {}) },
            hooks: {
              logMethod(args, method, level) {
                const first = args[0] as unknown;
                const context = first && typeof first === 'object' ? (first as { context?: unknown }).context : undefined;
                if (level === INFO && typeof context === 'string' && BOOT_CONTEXTS.has(context)) {
                  if (this.isLevelEnabled('debug')) this.debug(...(args as [object, string]));
                  return;
                }
                method.apply(this, args);
              },
            },
          },
          config.log.pretty ? readableLogStream(process.stdout, { colour: config.log.colour }) : process.stdout,
        );
        return {
          // No per-request child logger on the routes Fastify serves itself: their request log line
          // carries the request id all the same, the logs written while serving them do not.
          exclude: fastifyServedExclusions(modules),
          // RequestLog writes the request lines; the request's own logger carries only its id.
          pinoHttp: { logger, autoLogging: false, quietReqLogger: true },
        };
      },
    }),
  ],
  providers: [RequestLog],
})
export class LoggingModule {}
