import { setImmediate as tick } from 'node:timers/promises';
import { SerialTurn } from './serial-turn';

describe('SerialTurn', () => {
  it('runs one holder at a time, in the order they asked', async () => {
    const turn = new SerialTurn();
    const seen: string[] = [];
    const work = (name: string) => async () => {
      seen.push(`${name} in`);
      await tick();
      await tick();
      seen.push(`${name} out`);
      return name;
    };
    const done = await Promise.all([turn.run(work('a')), turn.run(work('b')), turn.run(work('c'))]);
    expect(done).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('passes the turn on when a holder fails', async () => {
    const turn = new SerialTurn();
    const failed = turn.run(async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    await expect(turn.run(async () => 'next')).resolves.toBe('next');
  });

  describe('lazily', () => {
    it('is taken once however often it is asked for, and held until given back', async () => {
      const turn = new SerialTurn();
      const held = turn.lazily();
      await held.take();
      await held.take();
      let other = false;
      const waiting = turn.run(async () => {
        other = true;
      });
      await tick();
      expect(other).toBe(false);
      held.giveBack();
      await waiting;
      expect(other).toBe(true);
    });

    it('given back while still waited for, passes the turn on once it comes', async () => {
      const turn = new SerialTurn();
      const first = turn.lazily();
      await first.take();
      const second = turn.lazily();
      const secondWaits = second.take();
      second.giveBack();
      first.giveBack();
      await expect(secondWaits).rejects.toThrow('given back before it came');
      await expect(turn.run(async () => 'third')).resolves.toBe('third');
    });

    it('never taken, gives back nothing; given back, cannot be taken again', async () => {
      const turn = new SerialTurn();
      const unused = turn.lazily();
      unused.giveBack();
      await expect(unused.take()).rejects.toThrow('cannot be taken again');
      await expect(turn.run(async () => 'free')).resolves.toBe('free');
    });
  });
});
