import { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
// Prefixes that carry an IPv4 address inside an IPv6 one are refused whole: ::/96 (IPv4-compatible),
// ::ffff:0:0:0/96 (IPv4-translated), 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64), 2002::/16 (6to4) and
// 2001::/32 (Teredo) can all reach an IPv4 address such as 127.0.0.1. IPv4-mapped addresses
// (::ffff:a.b.c.d) are judged by the IPv4 rules above, which BlockList applies to them itself.
for (const [net, prefix] of [
  ['::', 96], ['::ffff:0:0:0', 96], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['2002::', 16], ['2001::', 32],
  ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** True for loopback, private, link-local, shared, documentation, multicast and reserved addresses, and IPv6 forms of them. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  const v = isIP(ip);
  if (v === 4) return PRIVATE.check(ip, 'ipv4');
  if (v !== 6) return true;
  return PRIVATE.check(ip, 'ipv6');
}

/** Resolves a host name to every address it has. */
export type Resolver = (host: string) => Promise<string[]>;

export const dnsResolver: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses.map((a) => a.address)))),
  );

export type TargetCheck = { ok: true; url: URL } | { ok: false; code: 'invalid_subscription' | 'target_not_allowed'; reason: string };

/**
 * Checks a webhook URL: http(s), no credentials, and unless `allowPrivate`, a host that resolves
 * only to public addresses (so the API cannot be used to reach the internal network).
 */
export async function checkWebhookTarget(raw: string, allowPrivate: boolean, resolve: Resolver = dnsResolver): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, code: 'invalid_subscription', reason: 'url is not an absolute URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, code: 'invalid_subscription', reason: 'url must be http or https' };
  if (url.username || url.password) return { ok: false, code: 'invalid_subscription', reason: 'url must not carry credentials; authenticate deliveries by their signature' };
  if (allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    return isPrivateAddress(host) ? { ok: false, code: 'target_not_allowed', reason: `${host} is a loopback or private address` } : { ok: true, url };
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return { ok: false, code: 'target_not_allowed', reason: `${host} is loopback` };
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (e) {
    return { ok: false, code: 'invalid_subscription', reason: `cannot resolve ${host}: ${(e as Error).message}` };
  }
  const bad = addresses.find(isPrivateAddress);
  if (addresses.length === 0 || bad) return { ok: false, code: 'target_not_allowed', reason: `${host} resolves to ${bad ?? 'nothing'}, a loopback or private address` };
  return { ok: true, url };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for outgoing requests that refuses private addresses at connect time, so a name
 * re-pointed after the subscription was checked (DNS rebinding) still cannot reach inside.
 */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad || addresses.length === 0) {
      return callback(Object.assign(new Error(`${hostname} resolves to ${bad?.address ?? 'nothing'}, a loopback or private address`), { code: 'ENOTALLOWED' }), []);
    }
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0].address, addresses[0].family);
  });
}
