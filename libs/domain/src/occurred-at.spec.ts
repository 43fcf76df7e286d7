import { isInstant, isReportedTime, occurredOnOrBefore, recordedBound } from './index';

describe('occurredOnOrBefore', () => {
  it.each([
    ['2025-05', '2025-05-31', true],
    ['2025-05', '2025-05-01', true],
    ['2025-05', '2025-04-30', false],
    ['2025', '2025-01-01', true],
    ['2025', '2024-12-31', false],
    ['2025-05-23', '2025-05-23', true],
    ['2025-05-23', '2025-05-22', false],
    ['2025-05-23T23:59:59Z', '2025-05-23', true],
    ['2025-05-24T01:00:00+03:00', '2025-05-23', true],
    ['2025-05-24T00:00:00Z', '2025-05-23', false],
    ['2025-05-23', '2025-05-23T00:00:00Z', true],
    ['2025-05-23T10:00:00Z', '2025-05-23T09:59:59Z', false],
    ['2025-05-23T10:00:00Z', '2025-05-23T10:00:00Z', true],
    ['2025-06', '2025-05', false],
    ['2025-05-31', '2025-05', true],
  ])('%s on or before %s: %s', (occurredAt, date, expected) => {
    expect(occurredOnOrBefore(occurredAt, date)).toBe(expected);
  });

  it('rejects what it cannot read', () => {
    expect(() => occurredOnOrBefore('2025-02-30', '2025-03-01')).toThrow(expect.objectContaining({ code: 'invalid_time' }));
    expect(() => occurredOnOrBefore('2025-05', 'soon')).toThrow(expect.objectContaining({ details: { value: 'soon' } }));
  });

  it.each([
    ['2025', true],
    ['2025-12', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-00', false],
    ['2025-05-23T10:00:00.5-04:30', true],
    ['2025-02-30T10:00:00Z', false],
    ['2025-05-23T10:00:00', false],
  ])('isReportedTime(%s) is %s', (value, expected) => {
    expect(isReportedTime(value)).toBe(expected);
  });
});

describe('isInstant', () => {
  it.each([
    ['2025-05-23T10:00:00Z', true],
    ['2025-05-23T13:00:00+03:00', true],
    ['2025-05-23T10:00:00.123456-04:30', true],
    ['2024-02-29T00:00:00Z', true],
    // No offset: read in whatever time zone the server runs in.
    ['2025-05-23T10:00:00', false],
    ['2025-05-23T10:00:00.000', false],
    // Impossible dates, which Date.parse would roll over into the next month.
    ['2025-02-29T00:00:00Z', false],
    ['2025-04-31T12:00:00+02:00', false],
    ['2025-13-01T00:00:00Z', false],
    ['2025-05-23T24:00:00Z', false],
    ['2025-05-23', false],
    ['2025', false],
    // To the minute, with Z or an offset, as the time parameters always took it.
    ['2025-05-23T10:00Z', true],
    ['2025-05-23T13:00+03:00', true],
    ['2024-02-29T23:59-05:30', true],
    ['2025-05-23T10:00', false],
    ['2025-02-29T10:00Z', false],
    ['2025-05-23T24:00Z', false],
    ['2025-05-23T10:60Z', false],
    ['2025-05-23T10Z', false],
    ['2025-05-23T10:00.5Z', false],
    ['2025-05-23T10:00:00+0300', false],
    ['2025-05-23T10:00:00Z\u0000', false],
    ['', false],
  ])('isInstant(%j) is %s', (value, expected) => {
    expect(isInstant(value)).toBe(expected);
  });
});

describe('recordedBound', () => {
  it('reads an instant to UTC, whatever the edge', () => {
    for (const edge of ['start', 'end', 'after'] as const) expect(recordedBound('2025-05-23T13:00:00+03:00', edge)).toEqual({ instant: '2025-05-23T10:00:00.000Z' });
  });

  it('reads a plain date as the edge of its UTC day the bound needs, keeping the date given', () => {
    expect(recordedBound('2025-05-23', 'start')).toEqual({ instant: '2025-05-23T00:00:00.000Z', date: '2025-05-23' });
    expect(recordedBound('2025-05-23', 'end')).toEqual({ instant: '2025-05-23T23:59:59.999Z', date: '2025-05-23' });
    expect(recordedBound('2025-05-31', 'after')).toEqual({ instant: '2025-06-01T00:00:00.000Z', date: '2025-05-31' });
    expect(recordedBound('2024-02-29', 'after')).toEqual({ instant: '2024-03-01T00:00:00.000Z', date: '2024-02-29' });
  });

  it('reads nothing else: no offset, impossible days, other precisions, the day after the last one stored', () => {
    for (const value of ['2025-05-23T10:00:00', '2025-02-30', '2025-05', '2025', 'yesterday', '9999-12-31x']) expect(recordedBound(value, 'start')).toBeUndefined();
    expect(recordedBound('9999-12-31', 'end')).toEqual({ instant: '9999-12-31T23:59:59.999Z', date: '9999-12-31' });
    expect(recordedBound('9999-12-31', 'after')).toBeUndefined();
  });
});
