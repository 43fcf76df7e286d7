import { FeedFanout, FeedReceiver } from './feed.fanout';
import { FeedChange } from './status-changes-published.event';

function change(seq: number, subject: string): FeedChange {
  return { seq, subject, kind: subject.split('/')[0], field: 'status', json: '{}', frame: `id: ${seq}\n\n` };
}

/** A receiver that records the positions of the batches handed to it. */
function receiver(subject?: string[]): FeedReceiver & { got: number[][] } {
  const got: number[][] = [];
  return { filter: subject ? { subject } : {}, got, receive: (changes) => got.push(changes.map((c) => c.seq)) };
}

describe('FeedFanout', () => {
  it('gives a stream following subjects only their changes, in feed order, and others the whole batch', () => {
    const fanout = new FeedFanout();
    const a = receiver(['exchange/a']);
    const ab = receiver(['exchange/b', 'exchange/a']);
    const all = receiver();
    for (const r of [a, ab, all]) fanout.add(r);
    fanout.publish([change(1, 'exchange/a'), change(2, 'exchange/b'), change(3, 'exchange/c'), change(4, 'exchange/a')]);
    expect(a.got).toEqual([[1, 4]]);
    expect(ab.got).toEqual([[1, 2, 4]]);
    expect(all.got).toEqual([[1, 2, 3, 4]]);
  });

  it('does not call a stream whose subjects the batch does not touch, nor one that has left', () => {
    const fanout = new FeedFanout();
    const a = receiver(['exchange/a']);
    const b = receiver(['exchange/b']);
    const gone = receiver(['exchange/a']);
    const goneToo = receiver();
    for (const r of [a, b, gone, goneToo]) fanout.add(r);
    fanout.delete(gone);
    fanout.delete(goneToo);
    fanout.publish([change(7, 'exchange/a')]);
    expect(a.got).toEqual([[7]]);
    expect(b.got).toEqual([]);
    expect(gone.got).toEqual([]);
    expect(goneToo.got).toEqual([]);
  });
});
