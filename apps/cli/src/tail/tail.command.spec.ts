import { connectedMessage, formatChange } from './tail.command';

describe('tail output', () => {
  const change = { id: 'e:status', subject: 'exchange/a', field: 'status', from: null, to: 'agreed', causedBy: 'e', recordedAt: '2025-05-16T10:00:00.000Z' };

  it('prints one readable line per change, or JSON with its position', () => {
    expect(formatChange('12', change, false)).toBe('12  2025-05-16T10:00:00.000Z  exchange/a  status: ∅ → agreed  (e)');
    expect(JSON.parse(formatChange('12', change, true))).toEqual({ position: '12', ...change });
  });

  it("prints a dispute's values as a list", () => {
    const dispute = { ...change, id: 'e:dispute:released.RU', field: 'dispute', fact: 'released.RU', from: null, to: [150, 189] };
    expect(formatChange('14', dispute, false)).toBe('14  2025-05-16T10:00:00.000Z  exchange/a  dispute: ∅ → 150 vs 189  (e)');
  });

  it('names the retraction behind a change', () => {
    expect(formatChange('13', { ...change, causedBy: 'r', retractionOf: 'e' }, false)).toContain('(retraction r of e)');
  });
});

describe('tail says when it listens', () => {
  it('names the API, where the feed starts and what stops it', () => {
    expect(connectedMessage('http://127.0.0.1:3001', undefined, true, undefined)).toBe('newsledger tail: connected to http://127.0.0.1:3001; changes from now on (Ctrl-C stops)\n');
    expect(connectedMessage('http://q', '0', true, 2)).toBe('newsledger tail: connected to http://q; every change from the start (stops after 2 s without a change)\n');
    expect(connectedMessage('http://q', '41', false, undefined)).toBe('newsledger tail: connected again to http://q; changes after 41 (Ctrl-C stops)\n');
  });
});
