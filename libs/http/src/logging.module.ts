import { Module } from '@nestjs/common';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { LoggerModule } from 'nestjs-pino';

/** Structured JSON logs (pretty on a terminal), one child logger per request with its id. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: NewsledgerConfig) => ({
        pinoHttp: {
          level: config.log.level,
          // Probes and scrapes every few seconds would drown the request log.
          autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          redact: ['req.headers.authorization'],
          ...(config.log.pretty
            ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } }
            : {}),
        },
      }),
    }),
  ],
})
export class LoggingModule {}
