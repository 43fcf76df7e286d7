import { passedSnapshotMultiple } from './snapshots.taker';

describe('passedSnapshotMultiple', () => {
  it('is true when the events a batch added reach or pass a multiple of SNAPSHOT_EVERY', () => {
    expect(passedSnapshotMultiple(0, 3, 2)).toBe(true);
    expect(passedSnapshotMultiple(499, 500, 500)).toBe(true);
    expect(passedSnapshotMultiple(3, 4, 2)).toBe(true);
    expect(passedSnapshotMultiple(0, 2_000, 500)).toBe(true);
  });

  it('is false when they stay between two multiples, or land just past one already passed', () => {
    expect(passedSnapshotMultiple(2, 3, 2)).toBe(false);
    expect(passedSnapshotMultiple(500, 999, 500)).toBe(false);
    expect(passedSnapshotMultiple(0, 1, 2)).toBe(false);
  });
});
