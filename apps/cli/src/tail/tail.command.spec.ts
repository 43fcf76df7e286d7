import { formatChange } from './tail.command';

describe('tail output', () => {
  const change = { id: 'e:status', subject: 'exchange/a', field: 'status', from: null, to: 'agreed', causedBy: 'e', recordedAt: '2025-05-16T10:00:00.000Z' };

  it('prints one readable line per change, or JSON with its position', () => {
    expect(formatChange('12', change, false)).toBe('12  2025-05-16T10:00:00.000Z  exchange/a  status: ∅ → agreed  (e)');
    expect(JSON.parse(formatChange('12', change, true))).toEqual({ position: '12', ...change });
  });

  it('names the retraction behind a change', () => {
    expect(formatChange('13', { ...change, causedBy: 'r', retractionOf: 'e' }, false)).toContain('(retraction r of e)');
  });
});
