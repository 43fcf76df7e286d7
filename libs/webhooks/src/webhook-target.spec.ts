import { checkWebhookTarget, isPrivateAddress, Resolver } from './webhook-target';

const resolveTo = (...addresses: string[]): Resolver => async () => addresses;

describe('webhook targets', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '[::1]'])(
    'treat %s as private',
    (ip) => expect(isPrivateAddress(ip)).toBe(true),
  );

  it.each([
    // IPv6 forms that reach an IPv4 address: compatible, translated, 6to4, NAT64, Teredo, mapped
    '::127.0.0.1', '[::127.0.0.1]', '::7f00:1', '::8.8.8.8', '::ffff:0:127.0.0.1', '::ffff:0:8.8.8.8', '2002:7f00:1::', '2002:808:808::1',
    '64:ff9b::127.0.0.1', '64:ff9b::8.8.8.8', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '::ffff:10.0.0.1', '::FFFF:a00:1', '0:0:0:0:0:ffff:c0a8:101',
  ])('treat %s as private', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2001:4860:4860::8888'])('treat %s as public', (ip) => expect(isPrivateAddress(ip)).toBe(false));

  it('refuse loopback, private and numeric-trick hosts unless configured to allow them', async () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://[::1]/hook', 'http://[::127.0.0.1]/', 'http://[::ffff:0:127.0.0.1]/', 'http://[2002:7f00:1::]/', 'http://2130706433/hook', 'http://0x7f.0.0.1/', 'http://localhost/hook', 'http://api.localhost/']) {
      expect(await checkWebhookTarget(url, false, resolveTo('93.184.215.14'))).toMatchObject({ ok: false, code: 'target_not_allowed' });
    }
    expect(await checkWebhookTarget('http://127.0.0.1:8080/hook', true)).toMatchObject({ ok: true });
  });

  it('refuse a name that resolves to any private address', async () => {
    expect(await checkWebhookTarget('https://hooks.example.org/x', false, resolveTo('93.184.215.14', '10.0.0.5'))).toMatchObject({ ok: false, code: 'target_not_allowed' });
    expect(await checkWebhookTarget('https://hooks.example.org/x', false, resolveTo('93.184.215.14'))).toMatchObject({ ok: true });
  });

  it('refuse what is not an http(s) URL without credentials', async () => {
    for (const url of ['hooks.example.org/x', 'ftp://hooks.example.org/', 'https://user:pw@hooks.example.org/']) {
      expect(await checkWebhookTarget(url, true)).toMatchObject({ ok: false, code: 'invalid_subscription' });
    }
    expect(await checkWebhookTarget('https://nowhere.invalid/', false, () => Promise.reject(new Error('ENOTFOUND')))).toMatchObject({ ok: false, code: 'invalid_subscription' });
  });
});
