import { Kafka, logLevel, LogEntry, RetryOptions } from 'kafkajs';
import { kafkaLogLevel } from './kafka-log.level';

/** Where kafkajs' own log lines go; the apps pass their pino logger. */
export type KafkaLogSink = (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;

/**
 * One kafkajs client per process, logging through the app's logger.
 * @param opts.retry - how each connection and request is retried
 *   @defaultValue `{ retries: 5, initialRetryTime: 100, maxRetryTime: 2000 }` (about 3 s of reconnecting)
 */
export function createKafka(opts: { brokers: readonly string[]; clientId: string; log?: KafkaLogSink; retry?: RetryOptions }): Kafka {
  const sink = opts.log;
  return new Kafka({
    clientId: opts.clientId,
    brokers: [...opts.brokers],
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: opts.retry ?? { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator: () => ({ level, log }: LogEntry) => {
      if (!sink) return;
      const { message, ...extra } = log;
      const name = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : level === logLevel.INFO ? 'info' : 'debug';
      sink(kafkaLogLevel(name, String(message), extra), String(message), extra);
    },
  });
}
