import { freshId, testConfig } from '@newsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { InboundConsumer, InboundMessage } from './inbound.consumer';
import { createKafka } from './kafka.factory';
import { withAdmin } from './topics';

describe('InboundConsumer (real Kafka)', () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'inbound-consumer-int' });

  it('follows a topic it could not subscribe to (not made yet) at the next follow, from its first message', async () => {
    const topic = `${process.env.TEST_RUN_ID ?? 'tlocal'}.${freshId('inbound')}`;
    const read: InboundMessage[] = [];
    const consumer = new InboundConsumer(kafka, `${topic}.group`, async (messages) => void read.push(...messages));
    try {
      await expect(consumer.follow([topic])).rejects.toThrow('does not host this topic-partition');

      await withAdmin(kafka, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }));
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'the first report' }] }).finally(() => producer.disconnect());

      await consumer.follow([topic]);
      for (let waited = 0; read.length === 0 && waited < 30_000; waited += 100) await sleep(100);
      expect(read.map((m) => m.value?.toString())).toEqual(['the first report']);
    } finally {
      await consumer.stop();
    }
  }, 60_000);
});
