import { PartitionTurns } from './partition-turns.policy';

const BEHIND = 1000;
const SLICE = 5000;
const turns = (partitions = 2) => new PartitionTurns({ partitions, behind: BEHIND, sliceMs: SLICE });

describe('PartitionTurns', () => {
  it('applies the first partitions of a backlog and pauses the rest, which keep their order', () => {
    const t = turns();
    expect(t.take(0, 5000, 0)).toEqual({ apply: true, pause: [], resume: [] });
    expect(t.take(1, 5000, 0)).toEqual({ apply: true, pause: [], resume: [] });
    expect(t.take(2, 5000, 0)).toEqual({ apply: false, pause: [2], resume: [] });
    expect(t.take(3, 5000, 0)).toEqual({ apply: false, pause: [3], resume: [] });
    expect(t.queued).toBe(true);
    // A holder keeps applying while its slice lasts.
    expect(t.take(0, 4000, 100)).toEqual({ apply: true, pause: [], resume: [] });
    expect(t.done(0, 100)).toEqual({ apply: true, pause: [], resume: [] });
  });

  it('never holds back a partition near its end, even while others wait', () => {
    const t = turns(1);
    t.take(0, 5000, 0);
    t.take(1, 5000, 0);
    expect(t.take(2, BEHIND - 1, 0)).toEqual({ apply: true, pause: [], resume: [] });
  });

  it("hands a caught-up partition's turn to the first waiting one at once", () => {
    const t = turns();
    t.take(0, 5000, 0);
    t.take(1, 5000, 0);
    t.take(2, 5000, 0);
    t.take(3, 5000, 0);
    expect(t.take(1, 10, 50)).toEqual({ apply: true, pause: [], resume: [2] });
    // 2 now holds the turn: its batch is applied; 3 still waits.
    expect(t.take(2, 5000, 60).apply).toBe(true);
    expect(t.take(3, 5000, 60)).toEqual({ apply: false, pause: [3], resume: [] });
  });

  it('passes a turn on when its slice is over and others wait, the holder queued behind them', () => {
    const t = turns(1);
    t.take(0, 5000, 0);
    t.take(1, 5000, 0);
    t.take(2, 5000, 0);
    expect(t.done(0, SLICE - 1)).toEqual({ apply: true, pause: [], resume: [] });
    expect(t.done(0, SLICE)).toEqual({ apply: true, pause: [0], resume: [1] });
    expect(t.done(1, 2 * SLICE)).toEqual({ apply: true, pause: [1], resume: [2] });
    expect(t.done(2, 3 * SLICE)).toEqual({ apply: true, pause: [2], resume: [0] });
  });

  it('keeps a turn past its slice when no one waits', () => {
    const t = turns(1);
    t.take(0, 5000, 0);
    expect(t.done(0, 10 * SLICE)).toEqual({ apply: true, pause: [], resume: [] });
    expect(t.queued).toBe(false);
  });

  it('takes a turn from a holder that has had no batch for two slices', () => {
    const t = turns(1);
    t.take(0, 5000, 0);
    t.take(1, 5000, 0);
    const last = new Map([[0, SLICE]]);
    expect(t.expire(2 * SLICE, (p) => last.get(p) ?? 0)).toEqual([]);
    expect(t.expire(3 * SLICE, (p) => last.get(p) ?? 0)).toEqual([1]);
    expect(t.take(1, 5000, 3 * SLICE).apply).toBe(true);
  });

  it('forgets every turn on reset and returns the paused partitions', () => {
    const t = turns(1);
    t.take(0, 5000, 0);
    t.take(1, 5000, 0);
    t.take(2, 5000, 0);
    expect(t.reset()).toEqual([1, 2]);
    expect(t.queued).toBe(false);
    expect(t.take(2, 5000, 1).apply).toBe(true);
  });
});
