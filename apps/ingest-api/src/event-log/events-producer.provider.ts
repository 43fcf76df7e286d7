import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { ensureTopics, EventLogProducer, KAFKA } from '@newsledger/event-log';
import { Kafka } from 'kafkajs';

/** The ingest side's producer on the events topic, connected at start-up (topics created first). */
@Injectable()
export class EventsProducer extends EventLogProducer implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(KAFKA) private readonly client: Kafka, @Inject(CONFIG) private readonly config: NewsledgerConfig) {
    super(client, config.kafka.topics.events);
  }

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.client, { ...this.config.kafka.topics, eventsPartitions: this.config.kafka.eventsPartitions });
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.disconnect();
  }
}
