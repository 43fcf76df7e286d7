import { filterSql, matchesFilter, parseFeedFilter } from './feed-filter';
import { sequence } from './feed-sequencer';
import { parseFeedCursor, sseFrame } from './sse.format';

const change = { subject: 'exchange/ua-ru-1', kind: 'exchange', field: 'reportedStatus' };

describe('feed filters', () => {
  it('read comma-separated and repeated values, and an absent list means any', () => {
    const r = parseFeedFilter({ subject: ['exchange/ua-ru-1,exchange/ua-ru-2', 'negotiation/talks'], field: 'status' });
    expect(r).toEqual({ ok: true, filter: { subject: ['exchange/ua-ru-1', 'exchange/ua-ru-2', 'negotiation/talks'], field: ['status'] } });
    expect(parseFeedFilter({})).toEqual({ ok: true, filter: {} });
  });

  it('refuse unknown kinds, fields and malformed subjects, naming each', () => {
    const r = parseFeedFilter({ subject: 'exchange/UA', kind: 'treaty', field: ['status', 'colour'] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => i.path)).toEqual(['subject', 'kind', 'field']);
    expect(parseFeedFilter({ subject: 7 }).ok).toBe(false);
  });

  it('match a change only when it passes every list', () => {
    expect(matchesFilter({}, change)).toBe(true);
    expect(matchesFilter({ kind: ['exchange'], field: ['reportedStatus'] }, change)).toBe(true);
    expect(matchesFilter({ kind: ['exchange'], field: ['status'] }, change)).toBe(false);
    expect(matchesFilter({ subject: ['exchange/ua-ru-2'] }, change)).toBe(false);
  });

  it('become SQL conditions with numbered parameters', () => {
    const params: unknown[] = ['topic'];
    expect(filterSql({ subject: ['exchange/a'], field: ['status'] }, params)).toBe(' AND subject = ANY($2::text[]) AND field = ANY($3::text[])');
    expect(params).toEqual(['topic', ['exchange/a'], ['status']]);
  });
});

describe('feed positions', () => {
  it('frame a change with its position as the event id', () => {
    expect(sseFrame(12, '{"id":"x"}')).toBe('id: 12\ndata: {"id":"x"}\n\n');
  });

  it('read Last-Event-ID as a whole number, absent as undefined, anything else as null', () => {
    expect(parseFeedCursor('42')).toBe(42);
    expect(parseFeedCursor(undefined)).toBeUndefined();
    expect(parseFeedCursor('')).toBeUndefined();
    expect(parseFeedCursor('-1')).toBeNull();
    expect(parseFeedCursor('ev-7:status')).toBeNull();
  });

  it('tell a duplicate, the next change and a gap apart', () => {
    expect(sequence(10, { seq: 9, prevSeq: 8 })).toBe('duplicate');
    expect(sequence(10, { seq: 10, prevSeq: 8 })).toBe('duplicate');
    expect(sequence(10, { seq: 14, prevSeq: 10 })).toBe('next');
    expect(sequence(10, { seq: 14, prevSeq: 12 })).toBe('gap');
  });
});
