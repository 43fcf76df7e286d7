import { ConsumerConfig, Kafka } from 'kafkajs';
import { TopicTail } from './topic-tail.consumer';

describe('TopicTail', () => {
  it('lets kafkajs restart a crashed consumer while it runs, and never once it is stopped', async () => {
    let config: ConsumerConfig | undefined;
    const kafka = {
      consumer: (c: ConsumerConfig) => {
        config = c;
        return { disconnect: async () => undefined };
      },
    } as unknown as Kafka;
    const tail = new TopicTail(kafka, 'newsledger.status-changes');
    const restartOnFailure = config!.retry!.restartOnFailure!;
    await expect(restartOnFailure(new Error('group join failed'))).resolves.toBe(true);
    await tail.stop();
    // What a join cut short by the stop reports, after kafkajs' own disconnect.
    await expect(restartOnFailure(new Error('No broker available'))).resolves.toBe(false);
  });
});
