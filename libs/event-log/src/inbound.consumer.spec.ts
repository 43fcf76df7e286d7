import { crashingKafka, eventuallyTrue, FAST_RESTARTS } from './crashing-kafka.fixture';
import { InboundConsumer } from './inbound.consumer';

const handle = async () => undefined;

describe('InboundConsumer', () => {
  it('rejects a follow whose consumer cannot start, and the next follow of the same topics starts one', async () => {
    const fake = crashingKafka({ connectFails: [0] });
    const c = new InboundConsumer(fake.kafka, 'admission', handle, { backoff: FAST_RESTARTS });
    await expect(c.follow(['desk-a'])).rejects.toThrow('ECONNREFUSED');
    await c.follow(['desk-a']);
    expect(fake.made).toHaveLength(2);
    expect(fake.made[1].ran).toBe(true);
    expect(fake.made[1].subscribed).toEqual({ topics: ['desk-a'], fromBeginning: true });
    await c.stop();
    expect(fake.made[1].disconnected).toBe(true);
  });

  it('starts a consumer kafkajs gave up on again on the same topics, without waiting for the next follow', async () => {
    const fake = crashingKafka();
    const warned: string[] = [];
    const c = new InboundConsumer(fake.kafka, 'admission', handle, { backoff: FAST_RESTARTS, warn: (m) => void warned.push(m) });
    await c.follow(['desk-b', 'desk-a']);
    fake.crash(0, false);
    await eventuallyTrue(() => fake.made.length === 2 && fake.made[1].ran);
    expect(fake.made[1].subscribed).toEqual({ topics: ['desk-a', 'desk-b'], fromBeginning: true });
    expect(fake.made[1].config.groupId).toBe('admission');
    expect(warned).toEqual(['the consumer stopped and kafkajs will not restart it; starting a new one']);
    // The same topics again: nothing to change.
    await c.follow(['desk-a', 'desk-b']);
    expect(fake.made).toHaveLength(2);
    await c.stop();
  });

  it('leaves the group for other topics, and for none', async () => {
    const fake = crashingKafka();
    const c = new InboundConsumer(fake.kafka, 'admission', handle, { backoff: FAST_RESTARTS });
    await c.follow(['desk-a']);
    await c.follow(['desk-b']);
    expect(fake.made[0].disconnected).toBe(true);
    expect(fake.made[1].subscribed).toEqual({ topics: ['desk-b'], fromBeginning: true });
    await c.follow([]);
    expect(fake.made[1].disconnected).toBe(true);
    expect(fake.made).toHaveLength(2);
    await c.stop();
  });
});
