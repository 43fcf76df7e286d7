import { GroupCommit } from './group-commit';

/** A run function whose calls the test completes by hand, recording each group. */
function manual() {
  const groups: number[][] = [];
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const run = (inputs: number[]) => {
    groups.push(inputs);
    return new Promise<string[]>((resolve, reject) => pending.push({ resolve: () => resolve(inputs.map((i) => `out-${i}`)), reject }));
  };
  return { groups, pending, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('with isolateFailures, sends a failed group again input by input and fails only the inputs that fail alone', async () => {
    const calls: number[][] = [];
    const g = new GroupCommit(
      async (inputs: number[]) => {
        calls.push(inputs);
        if (inputs.includes(2)) throw new Error(`bad input among ${inputs.join(',')}`);
        return inputs.map((i) => `out-${i}`);
      },
      5000,
      { gatherTick: true, isolateFailures: true },
    );
    const results = await Promise.allSettled([g.submit(1), g.submit(2), g.submit(3)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['out-1', 'bad input among 2', 'out-3']);
    expect(calls).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('with gatherTick, sends the calls of one tick as one group, then groups the next ones as usual', async () => {
    const m = manual();
    const g = new GroupCommit(m.run, 5000, { gatherTick: true });
    const sameTick = [g.submit(1), g.submit(2)];
    await Promise.resolve();
    const sameTickLater = g.submit(3);
    expect(m.groups).toEqual([]);
    await tick();
    expect(m.groups).toEqual([[1, 2, 3]]);
    const next = g.submit(4);
    m.pending[0].resolve();
    await expect(Promise.all([...sameTick, sameTickLater])).resolves.toEqual(['out-1', 'out-2', 'out-3']);
    await tick();
    expect(m.groups).toEqual([[1, 2, 3], [4]]);
    m.pending[1].resolve();
    await expect(next).resolves.toBe('out-4');
  });

  it('with lingerMs, holds the first call that long so the calls made meanwhile, in later ticks too, go out with it', async () => {
    jest.useFakeTimers();
    try {
      const m = manual();
      const g = new GroupCommit(m.run, 5000, { lingerMs: 5 });
      const first = g.submit(1);
      jest.advanceTimersByTime(4);
      const meanwhile = g.submit(2);
      expect(m.groups).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(m.groups).toEqual([[1, 2]]);
      m.pending[0].resolve();
      await expect(Promise.all([first, meanwhile])).resolves.toEqual(['out-1', 'out-2']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('sends the first call at once and groups the calls made while it is in flight', async () => {
    const m = manual();
    const g = new GroupCommit(m.run);
    const first = g.submit(1);
    const later = [g.submit(2), g.submit(3), g.submit(4)];
    await tick();
    expect(m.groups).toEqual([[1]]);
    m.pending[0].resolve();
    await expect(first).resolves.toBe('out-1');
    await tick();
    expect(m.groups).toEqual([[1], [2, 3, 4]]);
    m.pending[1].resolve();
    await expect(Promise.all(later)).resolves.toEqual(['out-2', 'out-3', 'out-4']);
  });

  it('fails only the group whose run threw, and goes on with the next', async () => {
    const m = manual();
    const g = new GroupCommit(m.run);
    const first = g.submit(1);
    const second = g.submit(2);
    await tick();
    m.pending[0].reject(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await tick();
    m.pending[1].resolve();
    await expect(second).resolves.toBe('out-2');
  });

  it('caps a group at maxGroup inputs', async () => {
    const m = manual();
    const g = new GroupCommit(m.run, 2);
    const all = [1, 2, 3, 4, 5].map((i) => g.submit(i));
    for (let k = 0; k < 3; k++) {
      await tick();
      m.pending[k].resolve();
    }
    await expect(Promise.all(all)).resolves.toHaveLength(5);
    expect(m.groups).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('submitAll: one promise for many inputs, settled input by input across the groups they went out in', async () => {
    const m = manual();
    const g = new GroupCommit(m.run, 3);
    const alone = g.submit(0);
    const many = g.submitAll([1, 2, 3, 4]);
    await tick();
    expect(m.groups).toEqual([[0]]);
    m.pending[0].resolve();
    await tick();
    expect(m.groups).toEqual([[0], [1, 2, 3]]);
    m.pending[1].reject(new Error('broker down'));
    await tick();
    expect(m.groups).toEqual([[0], [1, 2, 3], [4]]);
    m.pending[2].resolve();
    await expect(alone).resolves.toBe('out-0');
    const outcomes = await many;
    expect(outcomes.map((o) => (o.ok ? o.value : (o.error as Error).message))).toEqual(['broker down', 'broker down', 'broker down', 'out-4']);
  });

  it('submitAll of nothing resolves at once without a round trip', async () => {
    const m = manual();
    const g = new GroupCommit(m.run);
    await expect(g.submitAll([])).resolves.toEqual([]);
    expect(m.groups).toEqual([]);
  });

  it('idle resolves once what was submitted, awaited or not, has gone out', async () => {
    const m = manual();
    const g = new GroupCommit(m.run);
    await expect(g.idle()).resolves.toBeUndefined();
    void g.submit(1);
    void g.submit(2);
    let idle = false;
    void g.idle().then(() => (idle = true));
    await tick();
    m.pending[0].resolve();
    await tick();
    expect(m.groups).toEqual([[1], [2]]);
    expect(idle).toBe(false);
    m.pending[1].resolve();
    await tick();
    expect(idle).toBe(true);
  });
});

