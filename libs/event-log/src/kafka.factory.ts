import type { KafkaSasl } from '@newsledger/config';
import { Kafka, logLevel, LogEntry, RetryOptions, SASLOptions } from 'kafkajs';

/**
 * A connection to the brokers, as the rest of the code holds it: made by {@link createKafka} and
 * handed to this library's producers, consumers and readers. The Kafka client library stays behind
 * libs/event-log; only this name of its client leaves it.
 */
export type KafkaClient = Kafka;

/** How a client retries a failed request (backoff and attempts). */
export type KafkaRetry = RetryOptions;
import { kafkaLogLevel } from './kafka-log.level';

/** Where kafkajs' own log lines go; the apps pass their pino logger. */
export type KafkaLogSink = (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;

/**
 * One kafkajs client per process, logging through the app's logger.
 * @param opts.sasl - the process's Kafka user (SCRAM over the broker's SASL listener); absent, it
 *   connects unauthenticated, which a broker with authentication refuses
 * @param opts.retry - how each connection and request is retried
 *   @defaultValue `{ retries: 5, initialRetryTime: 100, maxRetryTime: 2000 }` (about 3 s of reconnecting)
 */
export function createKafka(opts: { brokers: readonly string[]; clientId: string; sasl?: KafkaSasl; log?: KafkaLogSink; retry?: RetryOptions }): Kafka {
  const sink = opts.log;
  return new Kafka({
    clientId: opts.clientId,
    brokers: [...opts.brokers],
    ...(opts.sasl ? { sasl: saslOptions(opts.sasl) } : {}),
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

/** kafkajs' SASL options for a configured user. */
export function saslOptions(sasl: KafkaSasl): SASLOptions {
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
}
