import type { Consumer } from 'kafkajs';
import { crashingKafka, eventuallyTrue, FAST_RESTARTS } from './crashing-kafka.fixture';
import { RestartingConsumer } from './restarting.consumer';

/** A RestartingConsumer over the fake, running each consumer the plain way, recording what it is told. */
function restarting(fake: ReturnType<typeof crashingKafka>, backoff = FAST_RESTARTS) {
  const warned: string[] = [];
  const logged: string[] = [];
  const crashes: boolean[] = [];
  const kept = new RestartingConsumer({
    make: (restartOnFailure) => fake.kafka.consumer({ groupId: 'group', retry: { restartOnFailure } }) as Consumer,
    run: async (c) => {
      await c.connect();
      await c.run({ eachBatch: async () => undefined });
    },
    backoff,
    onCrash: (_, restart) => void crashes.push(restart),
    warn: (m) => void warned.push(m),
    log: (m) => void logged.push(m),
  });
  return { kept, warned, logged, crashes };
}

describe('RestartingConsumer', () => {
  it('starts a new consumer after kafkajs gives up on one, and says so once it runs', async () => {
    const fake = crashingKafka();
    const { kept, warned, logged, crashes } = restarting(fake);
    await kept.start();
    fake.crash(0, false);
    await eventuallyTrue(() => fake.made.length === 2 && fake.made[1].ran);
    expect(warned).toEqual(['the consumer stopped and kafkajs will not restart it; starting a new one']);
    await eventuallyTrue(() => logged.includes('a new consumer started after a restart'));
    expect(crashes).toEqual([false]);
    await kept.stop();
    expect(fake.made[1].disconnected).toBe(true);
  });

  it('leaves a crash kafkajs restarts itself to kafkajs, telling onCrash all the same', async () => {
    const fake = crashingKafka();
    const { kept, crashes } = restarting(fake);
    await kept.start();
    fake.crash(0, true);
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.made).toHaveLength(1);
    expect(crashes).toEqual([true]);
    await kept.stop();
  });

  it('keeps trying while new consumers cannot connect or join (a broker still starting)', async () => {
    const fake = crashingKafka({ joinCrashes: [0, 2], connectFails: [1] });
    const { kept, warned } = restarting(fake);
    // The first join itself is given up on: that is restarted too.
    await kept.start();
    await eventuallyTrue(() => fake.made.length === 4 && fake.made[3].ran);
    expect(warned).toEqual([
      'the consumer stopped and kafkajs will not restart it; starting a new one',
      'the new consumer did not start; trying again',
      'the new consumer did not start; trying again',
    ]);
    expect(fake.made[1].disconnected).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.made).toHaveLength(4);
    await kept.stop();
  });

  it('rejects a first start that cannot connect, leaving nothing connected or restarting', async () => {
    const fake = crashingKafka({ connectFails: [0] });
    const { kept } = restarting(fake);
    await expect(kept.start()).rejects.toThrow('ECONNREFUSED');
    expect(fake.made[0].disconnected).toBe(true);
    expect(kept.current).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.made).toHaveLength(1);
  });

  it('lets kafkajs restart a consumer itself only while it is the one running: not once replaced, nor once stopped', async () => {
    const fake = crashingKafka();
    const { kept } = restarting(fake);
    await kept.start();
    const firstMay = fake.made[0].config.retry!.restartOnFailure!;
    await expect(firstMay(new Error('Connection timeout'))).resolves.toBe(true);
    fake.crash(0, false);
    await eventuallyTrue(() => fake.made.length === 2 && fake.made[1].ran);
    await expect(firstMay(new Error('Connection timeout'))).resolves.toBe(false);
    const secondMay = fake.made[1].config.retry!.restartOnFailure!;
    await expect(secondMay(new Error('Connection timeout'))).resolves.toBe(true);
    await kept.stop();
    // What a join cut short by the stop reports, after kafkajs' own disconnect.
    await expect(secondMay(new Error('No broker available'))).resolves.toBe(false);
  });

  it('cuts short a new consumer still joining when stopped, instead of waiting out its retries', async () => {
    const fake = crashingKafka({ joinHangs: [1] });
    const { kept } = restarting(fake);
    await kept.start();
    fake.crash(0, false);
    await eventuallyTrue(() => fake.made.length === 2);
    await kept.stop();
    expect(fake.made[1].disconnected).toBe(true);
    expect(fake.made).toHaveLength(2);
  });

  it('is stopped at once while it waits to start a new consumer, and starts none after', async () => {
    const fake = crashingKafka();
    const { kept } = restarting(fake, { firstMs: 60_000, maxMs: 60_000 });
    await kept.start();
    fake.crash(0, false);
    const started = Date.now();
    await kept.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fake.made).toHaveLength(1);
  });
});
