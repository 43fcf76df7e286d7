import { QueryError } from '../query-api.error';
import { decodeListCursor, encodeListCursor } from './list-views.cursor';
import { parseListViewsRequest } from './list-views.request.dto';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The QueryError a query is refused with. */
function refusal(kind: 'exchange' | 'negotiation', query: Record<string, unknown>): QueryError {
  try {
    parseListViewsRequest(kind, query);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('list request', () => {
  it('defaults to 50 views and no filter', () => {
    expect(parseListViewsRequest('exchange', {})).toEqual({ filters: {}, limit: 50 });
    expect(parseListViewsRequest('exchange', { status: '', party: ' , ', updatedSince: '', cursor: '', limit: '' })).toEqual({ filters: {}, limit: 50 });
  });

  it('reads status and reportedStatus as documented: comma-separated, repeated, or both', () => {
    expect(parseListViewsRequest('exchange', { status: 'agreed,underway' }).filters).toEqual({ status: ['agreed', 'underway'] });
    expect(parseListViewsRequest('exchange', { status: ['agreed', 'underway, completed', 'agreed'] }).filters).toEqual({ status: ['agreed', 'underway', 'completed'] });
    expect(parseListViewsRequest('negotiation', { reportedStatus: 'stalled,active' }).filters).toEqual({ reportedStatus: ['stalled', 'active'] });
  });

  it('refuses a status of another kind or none, naming the valid ones', () => {
    const bogus = refusal('exchange', { status: 'agreed,bogus' });
    expect(bogus).toMatchObject({ code: 'invalid_query', details: [{ path: 'status', message: expect.stringContaining('"bogus"') }] });
    expect(bogus.message).toContain('proposed, agreed, underway, completed, suspended, cancelled');
    const wrongKind = refusal('negotiation', { reportedStatus: 'agreed' });
    expect(wrongKind.details).toEqual([{ path: 'reportedStatus', message: expect.stringContaining('scheduled, active, stalled, collapsed, concluded') }]);
    expect(refusal('exchange', { status: '\u0000' }).details).toEqual([{ path: 'status', message: expect.stringContaining('use one or more of') }]);
  });

  it('takes several parties, in either case, as upper-case codes', () => {
    expect(parseListViewsRequest('exchange', { party: ['UA', 'ru'] }).filters).toEqual({ party: ['UA', 'RU'] });
    expect(parseListViewsRequest('negotiation', { party: 'ua,us' }).filters).toEqual({ party: ['UA', 'US'] });
  });

  it('refuses a party that is not a two-letter code, NUL included', () => {
    for (const party of ['Ukraine', 'U\u0000', '\u0000', 'U1', ['UA', 'USA']]) {
      expect(refusal('exchange', { party }).details).toEqual([{ path: 'party', message: expect.stringContaining('ISO 3166 alpha-2') }]);
    }
    expect(refusal('exchange', { party: Array.from({ length: 101 }, (_, i) => `${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`) }).details)
      .toEqual([{ path: 'party', message: 'at most 100 values' }]);
  });

  it('reads updatedSince as an instant with an offset, to UTC, or a plain date as the start of that day', () => {
    expect(parseListViewsRequest('exchange', { updatedSince: '2025-05-23T13:00:00+03:00' }).filters).toEqual({ updatedSince: '2025-05-23T10:00:00.000Z' });
    expect(parseListViewsRequest('exchange', { updatedSince: '2025-05-23T13:00+03:00' }).filters).toEqual({ updatedSince: '2025-05-23T10:00:00.000Z' });
    expect(parseListViewsRequest('exchange', { updatedSince: '2025-05-23' }).filters).toEqual({ updatedSince: '2025-05-23T00:00:00.000Z' });
    for (const updatedSince of ['2025-05-23T10:00:00', '2025-05-23T10:00', '2025-02-30T00:00:00Z', '2025-02-30', '2025-05', 'yesterday', '\u0000']) {
      const e = refusal('exchange', { updatedSince });
      expect(e.details).toEqual([{ path: 'updatedSince', message: expect.stringContaining('2025-05-23T10:00:00Z') }]);
      expect(e.message).toMatch(/^updatedSince must be an instant with Z or an offset, to the second or the minute/);
    }
  });

  it('keeps limit a whole number from 1 to 500', () => {
    expect(parseListViewsRequest('exchange', { limit: '500' }).limit).toBe(500);
    for (const limit of ['0', '501', '1.5', 'ten']) {
      expect(refusal('exchange', { limit }).details).toEqual([{ path: 'limit', message: `must be a whole number from 1 to 500; got "${limit}"` }]);
    }
  });

  it('refuses parameters of one value given twice', () => {
    for (const name of ['updatedSince', 'limit', 'cursor']) {
      expect(refusal('exchange', { [name]: ['1', '2'] }).details).toEqual([{ path: name, message: 'must be given once' }]);
    }
  });

  it('reads back the cursors it hands out', () => {
    const cursor = encodeListCursor(new Date('2025-05-23T10:00:00.123Z'), 'exchange/ua-ru-1');
    expect(parseListViewsRequest('exchange', { cursor }).cursor).toEqual({ at: '2025-05-23T10:00:00.123Z', subject: 'exchange/ua-ru-1' });
  });

  it('refuses cursors it could not have handed out, before they reach SQL', () => {
    for (const forged of [['x', 'y'], ['2025-02-30T00:00:00.000Z', 'exchange/a-b'], ['2025-05-23T10:00:00', 'exchange/a-b'], ['2025-05-23T10:00:00.000Z', 'exchange/a\u0000'],
      [1, 2], ['2025-05-23T10:00:00.000Z'], ['2025-05-23T10:00:00.000Z', 'exchange/a-b', 'extra'], { at: 'x' }, null]) {
      expect(decodeListCursor(base64url(forged))).toBeNull();
      const e = refusal('exchange', { cursor: base64url(forged) });
      expect(e.details).toEqual([{ path: 'cursor', message: 'is not one this API returned; start again without it' }]);
    }
    expect(decodeListCursor('\u0000')).toBeNull();
    expect(decodeListCursor('not base64 at all!')).toBeNull();
  });

  it('names every bad parameter at once', () => {
    const e = refusal('exchange', { status: 'nope', party: 'Ukraine', limit: '0' });
    expect(e.details.map((d) => d.path)).toEqual(['status', 'party', 'limit']);
    for (const d of e.details) expect(e.message).toContain(`${d.path} ${d.message}`);
  });

  it('reads q trimmed, in the searched text\'s lower case; blank is no filter; too long or unstorable is refused', () => {
    expect(parseListViewsRequest('exchange', { q: '  Vatican Talks ' }).filters).toEqual({ q: 'vatican talks' });
    expect(parseListViewsRequest('negotiation', { q: '   ' }).filters).toEqual({});
    expect(parseListViewsRequest('negotiation', { q: 'x'.repeat(200) }).filters).toEqual({ q: 'x'.repeat(200) });
    expect(refusal('exchange', { q: 'x'.repeat(201) }).details).toEqual([{ path: 'q', message: 'must be at most 200 characters' }]);
    expect(refusal('exchange', { q: 'a\u0000' }).details).toEqual([{ path: 'q', message: expect.stringContaining('NUL') }]);
    expect(refusal('exchange', { q: ['a', 'b'] }).details).toEqual([{ path: 'q', message: 'must be given once' }]);
  });

  it('reads disputed as true or false and level as a list of corroboration levels', () => {
    expect(parseListViewsRequest('exchange', { disputed: 'true', level: 'one-party,all-parties' }).filters).toEqual({ disputed: true, level: ['one-party', 'all-parties'] });
    expect(parseListViewsRequest('exchange', { disputed: 'false', level: ['single-source', 'single-source'] }).filters).toEqual({ disputed: false, level: ['single-source'] });
    expect(refusal('exchange', { disputed: 'yes' }).details).toEqual([{ path: 'disputed', message: 'must be true or false; got "yes"' }]);
    expect(refusal('exchange', { disputed: ['true', 'false'] }).details).toEqual([{ path: 'disputed', message: 'must be given once' }]);
    expect(refusal('exchange', { level: 'one-party,confirmed' }).details).toEqual([{ path: 'level', message: expect.stringContaining('"confirmed" is not a corroboration level') }]);
  });
});
