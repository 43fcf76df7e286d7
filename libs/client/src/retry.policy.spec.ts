import { isRetryableStatus, parseRetryAfter, retryDelay, retryPolicy } from './retry.policy';

describe('retry policy', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });

  it('backs off exponentially with jitter, up to the ceiling', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelay(a, policy, undefined, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect([1, 2, 3].map((a) => retryDelay(a, policy, undefined, () => 0))).toEqual([50, 100, 200]);
  });

  it('honours Retry-After, within the ceiling', () => {
    expect(retryDelay(1, policy, 700)).toBe(700);
    expect(retryDelay(1, policy, 0)).toBe(0);
    expect(retryDelay(1, policy, 5000)).toBe(1000);
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2025-05-23T10:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('Fri, 23 May 2025 10:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 23 May 2025 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('retries 503 and 429 only', () => {
    expect([400, 404, 409, 429, 500, 502, 503].filter(isRetryableStatus)).toEqual([429, 503]);
  });

  it('refuses fewer than one attempt', () => {
    expect(() => retryPolicy({ attempts: 0 })).toThrow(RangeError);
    expect(retryPolicy({ attempts: undefined }).attempts).toBe(6);
  });
});
