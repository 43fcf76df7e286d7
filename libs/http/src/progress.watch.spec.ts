import { ProgressWatch } from './progress.watch';

describe('ProgressWatch', () => {
  const sample = (entries: [string, string, number][]) => new Map(entries.map(([key, position, lag]) => [key, { position, lag }]));

  it('names a partition stalled once its reader has not moved for the period while messages wait', () => {
    const watch = new ProgressWatch<string>(60_000);
    watch.sample(sample([['a', '5', 3], ['b', '7', 0]]), 0);
    watch.sample(sample([['a', '5', 4], ['b', '7', 0]]), 59_999);
    expect(watch.stalled(59_999)).toEqual([]);
    expect(watch.stalled(60_000)).toEqual([{ key: 'a', lag: 4, stalledForMs: 60_000 }]);
    // Nothing waiting: never stalled, however long it stands still.
    expect(watch.stalled(600_000).map((s) => s.key)).toEqual(['a']);
  });

  it('starts the period again whenever the reader moves or catches up', () => {
    const watch = new ProgressWatch<string>(1000);
    watch.sample(sample([['a', '5', 3]]), 0);
    watch.sample(sample([['a', '6', 2]]), 900);
    expect(watch.stalled(1500)).toEqual([]);
    expect(watch.stalled(1900)).toEqual([{ key: 'a', lag: 2, stalledForMs: 1000 }]);
    watch.sample(sample([['a', '6', 0]]), 2000);
    watch.sample(sample([['a', '6', 1]]), 2500);
    // Counted from when it was last seen caught up.
    expect(watch.stalled(2999)).toEqual([]);
    expect(watch.stalled(3000)).toEqual([{ key: 'a', lag: 1, stalledForMs: 1000 }]);
  });

  it('forgets a partition left out of a sample', () => {
    const watch = new ProgressWatch<string>(1000);
    watch.sample(sample([['a', '5', 3], ['b', '1', 1]]), 0);
    watch.sample(sample([['b', '1', 1]]), 10);
    expect(watch.stalled(5000).map((s) => s.key)).toEqual(['b']);
    expect([...watch.latest().keys()]).toEqual(['b']);
  });
});
