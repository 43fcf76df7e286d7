import { Provider } from '@nestjs/common';
import { KafkaDesks } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { createKafka, KafkaDeskAccess, nestKafkaLog } from '@newsledger/event-log';

/** Injection token of the desks on Kafka the key routes manage; null without a Kafka admin login. */
export const KAFKA_DESKS = Symbol('KAFKA_DESKS');

/**
 * Desks on Kafka through their own client, logged in as `KAFKA_ADMIN_USERNAME`: the query API's
 * own Kafka user may not alter the cluster, and only this client makes users and ACLs.
 */
export const kafkaDesksProvider: Provider = {
  provide: KAFKA_DESKS,
  inject: [CONFIG],
  useFactory: ({ kafka }: NewsledgerConfig): KafkaDesks | null =>
    kafka.admin
      ? new KafkaDeskAccess(createKafka({ brokers: kafka.brokers, sasl: kafka.admin, clientId: `${kafka.clientId}-desks`, log: nestKafkaLog() }), {
          prefix: kafka.inbound.prefix,
          brokers: kafka.brokers,
        })
      : null,
};
