import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { KAFKA, KafkaClient, pingKafka } from '@newsledger/event-log';

/** Up when the Kafka cluster answers a metadata request. */
@Injectable()
export class KafkaHealthIndicator {
  constructor(@Inject(KAFKA) private readonly kafka: KafkaClient, private readonly health: HealthIndicatorService) {}

  async check(key = 'kafka') {
    const indicator = this.health.check(key);
    try {
      await pingKafka(this.kafka);
      return indicator.up();
    } catch (e) {
      return indicator.down({ message: (e as Error).message });
    }
  }
}
