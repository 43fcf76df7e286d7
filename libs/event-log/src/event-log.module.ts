import { Global, Logger, Module } from '@nestjs/common';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { Kafka } from 'kafkajs';
import { createKafka, KafkaLogSink } from './kafka.factory';

/** Injection token of the process's kafkajs client. */
export const KAFKA = Symbol('KAFKA');

/** kafkajs' log lines through Nest's logger (so through the app's pino logger). */
export function nestKafkaLog(): KafkaLogSink {
  const logger = new Logger('kafkajs');
  return (level, message, extra) => {
    // kafkajs' own timestamp and logger name repeat what every record already has.
    const { timestamp: _timestamp, logger: _logger, error, ...fields } = extra;
    const line = typeof error === 'string' ? `${message}: ${error}` : message;
    if (level === 'error') logger.error(fields, line);
    else if (level === 'warn') logger.warn(fields, line);
    else logger.debug(fields, line);
  };
}

/** Provides one Kafka client per process, logging through Nest's logger. */
@Global()
@Module({
  providers: [
    {
      provide: KAFKA,
      inject: [CONFIG],
      useFactory: (config: NewsledgerConfig): Kafka =>
        createKafka({ brokers: config.kafka.brokers, sasl: config.kafka.sasl, clientId: config.kafka.clientId, log: nestKafkaLog() }),
    },
  ],
  exports: [KAFKA],
})
export class EventLogModule {}
