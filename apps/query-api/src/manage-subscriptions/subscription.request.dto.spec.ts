import { parseCreateSubscription } from './subscription.request.dto';

const valid = { url: 'https://hooks.example.com/newsledger', secret: 'sixteen-chars-or-more', filter: { kind: 'exchange' } };

describe('create subscription request', () => {
  it('reads a url, a secret and a filter', () => {
    expect(parseCreateSubscription(valid)).toEqual({ ok: true, request: { url: valid.url, secret: valid.secret, filter: { kind: ['exchange'] } } });
  });

  it('refuses text PostgreSQL cannot store (NUL) in the secret and the url, naming the field', () => {
    for (const [field, body] of [
      ['secret', { ...valid, secret: 'sixteen-chars-or\u0000more' }],
      ['url', { ...valid, url: 'https://hooks.example.com/\u0000' }],
    ] as const) {
      expect(parseCreateSubscription(body)).toEqual({ ok: false, issues: [{ path: field, message: expect.stringContaining('NUL') }] });
    }
  });

  it('refuses NUL in the filter too', () => {
    const r = parseCreateSubscription({ ...valid, filter: { subject: 'exchange/a\u0000' } });
    expect(r).toMatchObject({ ok: false, issues: [{ path: 'filter.subject' }] });
  });
});
