import type { ConsumerConfig } from 'kafkajs';
import { EventLogConsumer } from './event-log.consumer';
import type { KafkaClient } from './kafka.factory';

/** The consumer settings an EventLogConsumer asks its Kafka client for. */
function configOf(opts: ConstructorParameters<typeof EventLogConsumer>[3]): ConsumerConfig {
  let config: ConsumerConfig | undefined;
  const kafka = { consumer: (c: ConsumerConfig) => ((config = c), {}) } as unknown as KafkaClient;
  new EventLogConsumer(kafka, 'events', 'group', opts);
  return config!;
}

describe('EventLogConsumer fetch settings', () => {
  it('lets the broker gather up to a fetch\'s worth for gatherMs, so live traffic comes in fewer, larger batches', () => {
    expect(configOf({ gatherMs: 20 })).toMatchObject({ maxWaitTimeInMs: 20, minBytes: 1024 * 1024 });
  });

  it('is answered as soon as one message is there without it', () => {
    expect(configOf({})).toMatchObject({ maxWaitTimeInMs: 500, minBytes: 1 });
    expect(configOf({ gatherMs: 0 })).toMatchObject({ maxWaitTimeInMs: 500, minBytes: 1 });
  });
});
