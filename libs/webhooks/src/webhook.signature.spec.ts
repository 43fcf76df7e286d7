import { createHmac } from 'node:crypto';
import { afterFailure, retryDelay } from './retry.backoff';
import { signWebhook, verifyWebhookSignature } from './webhook.signature';

const secret = 'a-secret-of-the-desk';
const body = '{"id":"ev-7:status","subject":"exchange/a","field":"status","from":null,"to":"agreed","causedBy":"ev-7","recordedAt":"2025-05-23T10:00:00.000Z"}';

describe('webhook signatures', () => {
  it('are HMAC-SHA256 over "<timestamp>.<body>", hex, with the timestamp alongside', () => {
    const expected = createHmac('sha256', secret).update(`1748000000.${body}`).digest('hex');
    expect(signWebhook(secret, body, 1748000000)).toBe(`t=1748000000,v1=${expected}`);
  });

  it('verify with the right secret and body, within the tolerance', () => {
    const header = signWebhook(secret, body, 1748000000);
    expect(verifyWebhookSignature(secret, body, header, 1748000100)).toBe(true);
    expect(verifyWebhookSignature('another-secret-entirely', body, header, 1748000100)).toBe(false);
    expect(verifyWebhookSignature(secret, body.replace('agreed', 'completed'), header, 1748000100)).toBe(false);
  });

  it('refuse a replay outside the tolerance and a malformed header', () => {
    const header = signWebhook(secret, body, 1748000000);
    expect(verifyWebhookSignature(secret, body, header, 1748000000 + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, body, 'v1=abc', 1748000000)).toBe(false);
    expect(verifyWebhookSignature(secret, body, 't=1748000000,v1=zz', 1748000000)).toBe(false);
  });
});

describe('webhook retries', () => {
  const policy = { baseMs: 1000, maxMs: 60_000, periodMs: 3_600_000 };

  it('double from the base up to the cap', () => {
    expect([1, 2, 3, 4, 8, 30].map((n) => retryDelay(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000]);
  });

  it('jitter between half and all of the delay', () => {
    expect(retryDelay(3, policy, () => 0)).toBe(2000);
    expect(retryDelay(3, policy, () => 0.5)).toBe(3000);
    for (let i = 0; i < 100; i++) {
      const d = retryDelay(5, policy);
      expect(d).toBeGreaterThanOrEqual(8000);
      expect(d).toBeLessThanOrEqual(16_000);
    }
  });

  it('give up once the period has run out, with one last attempt at its end', () => {
    expect(afterFailure(3, 10_000, policy, () => 1)).toEqual({ giveUp: false, delayMs: 4000 });
    expect(afterFailure(40, policy.periodMs - 5000, policy, () => 1)).toEqual({ giveUp: false, delayMs: 5000 });
    expect(afterFailure(41, policy.periodMs, policy)).toEqual({ giveUp: true });
  });
});
