import { PollLoop } from './poll-loop';

describe('PollLoop', () => {
  it('ends a pause early when woken', async () => {
    const loop = new PollLoop();
    const started = Date.now();
    const paused = loop.pause(60_000);
    loop.wake();
    await paused;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops a body that is pausing, and waits for it to return', async () => {
    const loop = new PollLoop();
    let rounds = 0;
    let returned = false;
    loop.start(async () => {
      while (loop.running) {
        rounds += 1;
        await loop.pause(60_000);
      }
      returned = true;
    });
    expect(loop.running).toBe(true);
    await loop.stop();
    expect(loop.running).toBe(false);
    expect(returned).toBe(true);
    expect(rounds).toBe(1);
  });
});
