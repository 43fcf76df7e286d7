import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { createKafka, ensureTopics, EventLogProducer, KAFKA, KafkaClient, KafkaRetry, nestKafkaLog } from '@newsledger/event-log';

/**
 * Retries of the ingest side's appends, short on purpose: a client waits for its answer, and while
 * Kafka is down it must get a 503 within a few seconds (measured by the fault suite), not after
 * nested rounds of reconnecting. It retries itself, with the same id, so nothing is lost.
 */
const FAIL_FAST: KafkaRetry = { retries: 2, initialRetryTime: 100, maxRetryTime: 500 };

/** The ingest side's producer on the events topic, connected at start-up (topics created first). */
@Injectable()
export class EventsProducer extends EventLogProducer implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(KAFKA) private readonly client: KafkaClient, @Inject(CONFIG) private readonly config: NewsledgerConfig) {
    // A client of its own: the process-wide one reconnects patiently, which suits consumers.
    super(
      createKafka({ brokers: config.kafka.brokers, sasl: config.kafka.sasl, clientId: `${config.kafka.clientId}-ingest`, log: nestKafkaLog(), retry: FAIL_FAST }),
      config.kafka.topics.events,
      { retry: FAIL_FAST, lingerMs: config.kafka.appendLingerMs },
    );
  }

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.client, { ...this.config.kafka.topics, eventsPartitions: this.config.kafka.eventsPartitions });
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }
}
