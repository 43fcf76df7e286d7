import { Module } from '@nestjs/common';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { hostname } from 'node:os';
import { LoggerModule } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';
import { appNameOf, readableLogStream } from './log-line.format';
import { RequestLog } from './request-log';

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
      inject: [CONFIG],
      useFactory: (config: NewsledgerConfig) => {
        const app = appNameOf(process.argv[1]);
        return {
          pinoHttp: [
            {
              level: config.log.level as LevelWithSilent,
              base: { pid: process.pid, hostname: hostname(), ...(app ? { app } : {}) },
              // RequestLog writes the request lines; the request's own logger carries only its id.
              autoLogging: false,
              quietReqLogger: true,
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
          ],
        };
      },
    }),
  ],
  providers: [RequestLog],
})
export class LoggingModule {}
