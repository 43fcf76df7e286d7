import { eventIdMark, judgeLog, LogFacts, messageMark } from './log-identity';

const facts = (clusterId: string, partitions: [number, number, number][]): LogFacts => ({
  clusterId,
  partitions: new Map(partitions.map(([p, low, high]) => [p, { low: BigInt(low), high: BigInt(high) }])),
});
const at = (entries: [number, number][]) => new Map(entries.map(([p, o]) => [p, BigInt(o)]));

describe('judgeLog', () => {
  const stored = { clusterId: 'A', anchors: {} };

  it('lets views go on from their own log, also when nothing was stored yet', () => {
    expect(judgeLog({ stored, facts: facts('A', [[0, 0, 10], [1, 0, 5]]), checkpoints: at([[0, 10], [1, 3]]) })).toBeUndefined();
    expect(judgeLog({ stored: undefined, facts: facts('B', [[0, 0, 10]]), checkpoints: at([[0, 4]]) })).toBeUndefined();
  });

  it('refuses another cluster', () => {
    const r = judgeLog({ stored, facts: facts('B', [[0, 0, 10]]), checkpoints: at([[0, 1]]) });
    expect(r).toMatchObject({ reason: 'other_cluster', details: { storedClusterId: 'A', clusterId: 'B' } });
    expect(r!.action).toContain('rebuild --adopt-log');
  });

  it('refuses a checkpoint past the log end, as in the incident (2,749 on a log of 2,169)', () => {
    const r = judgeLog({ stored: undefined, facts: facts('B', [[0, 0, 10], [1, 0, 2169]]), checkpoints: at([[0, 10], [1, 2749]]) });
    expect(r).toMatchObject({ reason: 'checkpoint_beyond_end', details: { partition: 1, checkpoint: '2749', high: '2169' } });
  });

  it('refuses a partition that is gone while it has applied messages', () => {
    expect(judgeLog({ stored, facts: facts('A', [[0, 0, 10]]), checkpoints: at([[0, 10], [7, 1]]) })).toMatchObject({ reason: 'checkpoint_beyond_end' });
    expect(judgeLog({ stored, facts: facts('A', [[0, 0, 10]]), checkpoints: at([[0, 10], [7, 0]]) })).toBeUndefined();
  });

  it('refuses messages removed before they were applied, not those removed after', () => {
    expect(judgeLog({ stored, facts: facts('A', [[0, 8, 10]]), checkpoints: at([[0, 5]]) })).toMatchObject({
      reason: 'events_removed',
      details: { partition: 0, checkpoint: '5', low: '8' },
    });
    expect(judgeLog({ stored, facts: facts('A', [[0, 8, 10]]), checkpoints: at([[0, 8]]) })).toBeUndefined();
  });

  it('refuses a topic made again under its name: the anchor reads differently', () => {
    const anchors = new Map([[0, { offset: '3', mark: eventIdMark('e-3') }]]);
    const input = { stored, facts: facts('A', [[0, 0, 10]]), checkpoints: at([[0, 10]]), anchors };
    expect(judgeLog({ ...input, marks: new Map([[0, eventIdMark('e-3')]]) })).toBeUndefined();
    expect(judgeLog({ ...input, marks: new Map([[0, eventIdMark('other')]]) })).toMatchObject({ reason: 'log_replaced', details: { partition: 0, offset: '3' } });
    expect(judgeLog({ ...input, marks: new Map([[0, null]]) })).toMatchObject({ reason: 'log_replaced' });
  });
});

describe('messageMark', () => {
  it('names a CloudEvent by its id, anything else by its bytes', () => {
    expect(messageMark(Buffer.from(JSON.stringify({ id: 'swap-agreed', type: 'x' })))).toBe(eventIdMark('swap-agreed'));
    expect(messageMark(Buffer.from('not json'))).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(messageMark(Buffer.from('not json'))).not.toBe(messageMark(Buffer.from('not json!')));
    expect(messageMark(null)).toMatch(/^sha256:/);
  });
});
