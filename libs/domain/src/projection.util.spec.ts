import { compact, later, sortedUnique } from './projection.util';

describe('sortedUnique', () => {
  it('sorts and keeps each value once, from an array or any iterable, leaving the input as it was', () => {
    const input = ['RU', 'UA', 'RU', 'AE', 'UA', 'UA', 'AE'];
    expect(sortedUnique(input)).toEqual(['AE', 'RU', 'UA']);
    expect(input).toEqual(['RU', 'UA', 'RU', 'AE', 'UA', 'UA', 'AE']);
    expect(sortedUnique(new Set(['b', 'a']))).toEqual(['a', 'b']);
    expect(sortedUnique(['x'])).toEqual(['x']);
    expect(sortedUnique([])).toEqual([]);
  });
});

describe('later', () => {
  it('keeps the later of two instants as `toISOString` writes them', () => {
    expect(later('2025-05-23T10:00:00.000Z', '2025-05-23T10:00:00.001Z')).toBe('2025-05-23T10:00:00.001Z');
    expect(later('2025-05-23T10:00:00.001Z', '2025-05-23T10:00:00.000Z')).toBe('2025-05-23T10:00:00.001Z');
  });

  it('compares instants written with offsets as instants, and keeps them as written', () => {
    // 11:00 at +02:00 is 09:00Z: earlier, although it sorts later as a string.
    expect(later('2025-05-23T10:00:00.000Z', '2025-05-23T11:00:00.000+02:00')).toBe('2025-05-23T10:00:00.000Z');
    expect(later('2025-05-23T08:30:00+00:00', '2025-05-23T09:00:00.000Z')).toBe('2025-05-23T09:00:00.000Z');
  });

  it('takes the candidate when there is nothing yet, and keeps the current one on a tie', () => {
    expect(later(null, '2025-05-23T10:00:00Z')).toBe('2025-05-23T10:00:00Z');
    expect(later('2025-05-23T10:00:00.000Z', '2025-05-23T12:00:00.000+02:00')).toBe('2025-05-23T10:00:00.000Z');
  });
});

describe('compact', () => {
  it('drops undefined values only, keeping the order of the rest', () => {
    const out = compact({ a: 1, b: undefined, c: null, d: 0, e: '' });
    expect(out).toEqual({ a: 1, c: null, d: 0, e: '' });
    expect(Object.keys(out)).toEqual(['a', 'c', 'd', 'e']);
  });
});
