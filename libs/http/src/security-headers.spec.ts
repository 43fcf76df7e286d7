import helmet from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { SECURITY_HEADER_OPTIONS, securityHeaders } from './security-headers';

function response(): ServerResponse {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  // Something upstream might have said what runs the server; helmet takes it away.
  res.setHeader('X-Powered-By', 'something');
  return res;
}

describe('securityHeaders', () => {
  it('gives a response exactly the headers helmet gives it with the same settings', () => {
    const byHelmet = response();
    helmet(SECURITY_HEADER_OPTIONS)({} as IncomingMessage, byHelmet, () => undefined);

    const fromList = response();
    const { set, removed } = securityHeaders();
    for (const name of removed) fromList.removeHeader(name);
    for (const [name, value] of set) fromList.setHeader(name, value);

    expect(fromList.getHeaders()).toEqual(byHelmet.getHeaders());
    expect(fromList.getHeaders()['content-security-policy']).toContain("default-src 'self'");
    expect(fromList.getHeaders()['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(fromList.hasHeader('x-powered-by')).toBe(false);
  });

  it('refuses settings that depend on the request, which cannot be written down once', () => {
    const nonce = (_req: IncomingMessage, res: ServerResponse) => `'nonce-${String((res as unknown as { locals?: { nonce?: string } }).locals?.nonce)}'`;
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce] } } })).toThrow(/function of the request/);
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'"] } } })).not.toThrow();
  });
});
