import { QueryError } from '../query-api.error';
import { browseDeadLettersRequestOf } from './browse-dead-letters.request.dto';

const refusal = (query: Record<string, unknown>) => {
  try {
    browseDeadLettersRequestOf(query);
  } catch (e) {
    return e instanceof QueryError ? [e.code, e.details[0]?.path] : e;
  }
  return undefined;
};

describe('GET /v1/admin/dead-letters parameters', () => {
  it('pages 50 at a time from the newest unless told', () => {
    expect(browseDeadLettersRequestOf({})).toEqual({ limit: 50 });
    expect(browseDeadLettersRequestOf({ limit: '500', cursor: '1200' })).toEqual({ limit: 500, cursor: '1200' });
  });

  it('refuses a bad limit or cursor, a repeated one and an unknown parameter, naming it', () => {
    expect(refusal({ limit: '0' })).toEqual(['invalid_query', 'limit']);
    expect(refusal({ limit: '501' })).toEqual(['invalid_query', 'limit']);
    expect(refusal({ limit: '2.5' })).toEqual(['invalid_query', 'limit']);
    expect(refusal({ cursor: '-1' })).toEqual(['invalid_query', 'cursor']);
    expect(refusal({ cursor: ['1', '2'] })).toEqual(['invalid_query', 'cursor']);
    expect(refusal({ before: '3' })).toEqual(['invalid_query', 'before']);
  });
});
