import { RateCounter, rateTracker } from './rate-limit.module';

describe('RateCounter', () => {
  it('allows `limit` requests per tracker in a window, then says how long to wait, and starts afresh after it', () => {
    let now = 1_000;
    const counter = new RateCounter(3, 10_000, () => now);
    expect([1, 2, 3].map(() => counter.hit('key:a'))).toEqual(Array(3).fill({ ok: true }));
    expect(counter.hit('key:a')).toEqual({ ok: false, retryAfterSeconds: 10 });
    expect(counter.hit('key:b')).toEqual({ ok: true });
    now += 9_500;
    expect(counter.hit('key:a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 500;
    expect(counter.hit('key:a')).toEqual({ ok: true });
  });

  it('forgets trackers whose window ended, so made-up headers cannot pile up', () => {
    let now = 0;
    const counter = new RateCounter(1, 1_000, () => now);
    for (let i = 0; i < 1_000; i++) counter.hit(`header:${i}`);
    expect(counter.size).toBe(1_000);
    now += 1_000;
    counter.hit('header:new');
    expect(counter.size).toBe(1);
  });
});

describe('rateTracker', () => {
  it('counts by key id (whatever the secret), else by header, else by address', () => {
    const id = '0123456789abcdef';
    expect(rateTracker(`Bearer nlk_${id}_${'a'.repeat(43)}`, '10.0.0.1')).toBe(`key:${id}`);
    expect(rateTracker(`Bearer nlk_${id}_${'b'.repeat(43)}`, '10.0.0.2')).toBe(`key:${id}`);
    expect(rateTracker('Bearer not-a-key', '10.0.0.1')).toMatch(/^header:/);
    expect(rateTracker(undefined, '10.0.0.1')).toBe('ip:10.0.0.1');
  });
});
