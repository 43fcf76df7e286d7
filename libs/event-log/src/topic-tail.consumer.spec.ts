import { crashingKafka, eventuallyTrue, FAST_RESTARTS } from './crashing-kafka.fixture';
import { TopicTail } from './topic-tail.consumer';

describe('TopicTail', () => {
  it('lets kafkajs restart a crashed consumer while it runs, and never once it is stopped', async () => {
    const fake = crashingKafka();
    const tail = new TopicTail(fake.kafka, 'newsledger.status-changes');
    await tail.start(async () => undefined);
    const restartOnFailure = fake.made[0].config.retry!.restartOnFailure!;
    await expect(restartOnFailure(new Error('group join failed'))).resolves.toBe(true);
    await tail.stop();
    // What a join cut short by the stop reports, after kafkajs' own disconnect.
    await expect(restartOnFailure(new Error('No broker available'))).resolves.toBe(false);
  });

  it('starts a consumer kafkajs gave up on again, in the same group, from the end of the topic', async () => {
    const fake = crashingKafka();
    const warned: string[] = [];
    const tail = new TopicTail(fake.kafka, 'newsledger.status-changes');
    await tail.start(async () => undefined, { backoff: FAST_RESTARTS, warn: (m) => void warned.push(m) });
    fake.crash(0, false);
    await eventuallyTrue(() => fake.made.length === 2 && fake.made[1].ran);
    expect(fake.made[1].config.groupId).toBe(fake.made[0].config.groupId);
    expect(fake.made[1].subscribed).toEqual({ topic: 'newsledger.status-changes', fromBeginning: false });
    expect(warned).toEqual(['the consumer stopped and kafkajs will not restart it; starting a new one']);
    await tail.stop();
    expect(fake.made[1].disconnected).toBe(true);
  });
});
