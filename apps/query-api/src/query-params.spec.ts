import { QueryError } from './query-api.error';
import { asOfParam, couldBeStoredId, instantParam, validAtParam } from './query-params';

function refusal(read: () => unknown): QueryError {
  try {
    read();
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('query parameters', () => {
  it('read an instant with Z or an offset as UTC; absent or empty as none', () => {
    expect(instantParam('asOf', '2025-05-23T10:00:00Z')).toBe('2025-05-23T10:00:00.000Z');
    expect(instantParam('asOf', '2025-05-23T13:00:00.5+03:00')).toBe('2025-05-23T10:00:00.500Z');
    expect(instantParam('asOf', '2024-02-29T00:00:00-05:00')).toBe('2024-02-29T05:00:00.000Z');
    expect(instantParam('asOf', '2025-05-23T10:00Z')).toBe('2025-05-23T10:00:00.000Z');
    expect(instantParam('asOf', '2025-05-23T13:00+03:00')).toBe('2025-05-23T10:00:00.000Z');
    expect(instantParam('asOf', undefined)).toBeUndefined();
    expect(instantParam('asOf', '')).toBeUndefined();
  });

  it('refuse an instant without an offset, on an impossible date, or a bare date, showing an example', () => {
    for (const value of ['2025-05-23T10:00:00', '2025-05-23T10:00', '2025-02-30T00:00:00Z', '2025-02-30T00:00Z', '2025-04-31T00:00:00+02:00', '2025-05-23', 'yesterday', '2025-05-23T10:00:00Z\u0000']) {
      const e = refusal(() => instantParam('asOf', value));
      expect(e).toMatchObject({ code: 'invalid_query', details: [{ path: 'asOf', message: `got "${value}"` }] });
      expect(e.message).toBe('asOf must be an instant with Z or an offset, to the second or the minute, such as 2025-05-23T10:00:00Z, 2025-05-23T13:00:00+03:00 or 2025-05-23T10:00Z, between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z');
    }
  });

  it('read a plain date as asOf as the end of that day, UTC, keeping the date given', () => {
    expect(asOfParam('2025-05-23')).toEqual({ instant: '2025-05-23T23:59:59.999Z', date: '2025-05-23' });
    expect(asOfParam('2024-02-29')).toEqual({ instant: '2024-02-29T23:59:59.999Z', date: '2024-02-29' });
    expect(asOfParam('2025-05-23T13:00:00+03:00')).toEqual({ instant: '2025-05-23T10:00:00.000Z' });
    expect(asOfParam(undefined)).toBeUndefined();
    for (const value of ['2025-02-30', '2025-05', '0000-12-31', '2025-05-23T10:00:00']) {
      expect(refusal(() => asOfParam(value))).toMatchObject({ code: 'invalid_query', details: [{ path: 'asOf', message: `got "${value}"` }] });
    }
  });

  it('refuse a time parameter given twice', () => {
    expect(refusal(() => instantParam('asOf', ['2025-05-23T10:00:00Z', '2025-05-24T10:00:00Z'])).details).toEqual([{ path: 'asOf', message: 'must be given once' }]);
    expect(refusal(() => validAtParam(['2025', '2026'])).details).toEqual([{ path: 'validAt', message: 'must be given once' }]);
  });

  it('read validAt at its own precision and refuse impossible dates', () => {
    expect(validAtParam('2025-05')).toBe('2025-05');
    expect(refusal(() => validAtParam('2025-02-30')).details).toEqual([{ path: 'validAt', message: 'got "2025-02-30"' }]);
  });

  it('tell an id that could be stored from one PostgreSQL would refuse', () => {
    expect(couldBeStoredId('sub_0123456789abcdef0123')).toBe(true);
    expect(couldBeStoredId('\u0000')).toBe(false);
    expect(couldBeStoredId('sub_\u0000')).toBe(false);
  });
});
