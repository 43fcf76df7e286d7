import { HttpException, PayloadTooLargeException } from '@nestjs/common';
import { AuthError, KeyCheckPausedError } from '@newsledger/auth';
import { QueryFailedError } from 'typeorm';
import { describeCommonError } from './error-body';

const unexpected = () => {
  throw new Error('not expected to be unexpected');
};

describe('describeCommonError', () => {
  it("turns Fastify's body-too-large refusal into one that states the route's limit and how to fix it", () => {
    expect(describeCommonError(new HttpException('Request body is too large', 413), unexpected, 16_777_216)).toEqual({
      status: 413,
      body: { error: 'payload_too_large', message: 'the body is larger than the 16777216 bytes this endpoint accepts; send less, or split a batch into several requests' },
    });
  });

  it("keeps a controller's own 413 message", () => {
    expect(describeCommonError(new PayloadTooLargeException('a report body may be at most 1048576 bytes'), unexpected, 16_777_216).body).toEqual({
      error: 'payload_too_large',
      message: 'a report body may be at most 1048576 bytes',
    });
  });

  it('names an unsupported content type and the ones to send', () => {
    expect(describeCommonError(new HttpException('Unsupported Media Type', 415), unexpected)).toEqual({
      status: 415,
      body: {
        error: 'unsupported_media_type',
        message: 'Unsupported Media Type; send application/json (or application/x-ndjson to the batch endpoint)',
      },
    });
  });

  it('answers a key check paused after a wrong secret with 429 and Retry-After, not as an invalid key', () => {
    const r = describeCommonError(new KeyCheckPausedError(1), unexpected);
    expect(r).toMatchObject({ status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate_limited' } });
    expect(r.body.message).toMatch(/retry in 1 s/);
    expect(describeCommonError(new AuthError('invalid_key', 'unknown'), unexpected).status).toBe(401);
  });

  it('answers a statement PostgreSQL stopped (57014, the statement timeout) with 503 query_timeout and Retry-After, as TypeORM wraps it too', () => {
    const stopped = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    for (const e of [stopped, new QueryFailedError('SELECT 1', [], stopped)]) {
      const r = describeCommonError(e, unexpected);
      expect(r).toMatchObject({ status: 503, headers: { 'retry-after': '5' }, body: { error: 'query_timeout' } });
      expect(r.body.message).toMatch(/ran longer than the API allows, or an operator cancelled it/);
    }
    // Any other refusal of a statement is still unexpected.
    let logged = false;
    const other = describeCommonError(Object.assign(new Error('syntax error'), { code: '42601' }), () => { logged = true; });
    expect(other.status).toBe(500);
    expect(logged).toBe(true);
  });
});
