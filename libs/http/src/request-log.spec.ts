import { errorCodeOf, loggableHeaders } from './request-log';

describe('request log', () => {
  it('reads the error code of a contract error body', () => {
    expect(errorCodeOf('{"error":"not_found","message":"nothing here"}')).toBe('not_found');
    expect(errorCodeOf(Buffer.from('{"error":"invalid_key","message":"x"}'))).toBe('invalid_key');
    expect(errorCodeOf('[1,2]')).toBeUndefined();
    expect(errorCodeOf('{"error":3}')).toBeUndefined();
    expect(errorCodeOf('{not json')).toBeUndefined();
    expect(errorCodeOf(undefined)).toBeUndefined();
  });

  it('never keeps the credentials of a request in its logged headers', () => {
    expect(loggableHeaders({ authorization: 'Bearer k', Cookie: 'c', 'content-type': 'application/json', 'proxy-authorization': 'p' })).toEqual({ 'content-type': 'application/json' });
  });
});
