import { QueryError } from '../query-api.error';
import { decodeHistoryCursor, encodeHistoryCursor, parseGetHistoryRequest } from './get-history.request.dto';

const refused = (limit: unknown, cursor: unknown) => {
  try {
    parseGetHistoryRequest(limit, cursor);
  } catch (e) {
    return e instanceof QueryError ? { code: e.code, path: e.details[0]?.path } : e;
  }
  return 'accepted';
};

describe('history paging', () => {
  it('asks for every event without a limit, a page with one', () => {
    expect(parseGetHistoryRequest(undefined, undefined)).toEqual({});
    expect(parseGetHistoryRequest('', '')).toEqual({});
    const cursor = encodeHistoryCursor({ partition: 3, offset: '9007199254740993' });
    expect(parseGetHistoryRequest('20', cursor)).toEqual({ limit: 20, cursor: { partition: 3, offset: '9007199254740993' } });
  });

  it('refuses a limit out of range, a repeated parameter and a cursor it did not make', () => {
    for (const limit of ['0', '1001', '-1', '2.5', 'ten', ['5', '6']]) expect({ limit, r: refused(limit, undefined) }).toEqual({ limit, r: { code: 'invalid_query', path: 'limit' } });
    const forged = [
      'not-base64!',
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('[-1,"5"]').toString('base64url'),
      Buffer.from('[0,"5; DROP TABLE events"]').toString('base64url'),
      Buffer.from('[0,5]').toString('base64url'),
    ];
    for (const cursor of forged) expect({ cursor, r: refused('5', cursor) }).toEqual({ cursor, r: { code: 'invalid_query', path: 'cursor' } });
    expect(decodeHistoryCursor(encodeHistoryCursor({ partition: 0, offset: '41' }))).toEqual({ partition: 0, offset: '41' });
  });
});
