import type { LogMessage } from '@newsledger/event-log';
import { nextOffsets, unapplied } from './checkpoint.offsets';

const message = (partition: number, offset: number | string): LogMessage =>
  ({ partition, offset: String(offset), key: null, value: null, timestamp: '2025-05-23T10:00:00.000Z', appendTime: true });
const batch = (partition: number, from: number, count: number) => Array.from({ length: count }, (_, i) => message(partition, from + i));

describe('checkpoint offsets', () => {
  it('leave out the messages of a batch below the checkpoint, keeping the batch itself when none is', () => {
    const b = batch(0, 8, 5);
    expect(unapplied(b, 11n).map((m) => m.offset)).toEqual(['11', '12']);
    expect(unapplied(b, 8n)).toBe(b);
    expect(unapplied(b, 3n)).toBe(b);
    expect(unapplied(b, 13n)).toEqual([]);
    // Offsets may skip (a compacted or transactional log): compared, not counted.
    expect(unapplied([message(1, 4), message(1, 9), message(1, 30)], 10n).map((m) => m.offset)).toEqual(['30']);
  });

  it('move each partition past the last unapplied message of its batch, and leave alone a partition with none', () => {
    expect(nextOffsets([batch(2, 100, 3), [], batch(0, 7, 1), [message(5, '9007199254740994'), message(5, '9007199254740995')]])).toEqual(
      new Map([[2, 103n], [0, 8n], [5, 9_007_199_254_740_996n]]),
    );
  });
});
