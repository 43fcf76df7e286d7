import { encodeInboundRejection, inboundBody, inboundReportId } from './inbound.message';

const report = {
  id: 'r-1', type: 'exchange.underway', subject: 'exchange/ua-ru-2025-05-1000', occurredAt: '2025-05-23',
  source: { name: 'Ukrainian military sources', kind: 'military' }, confirmation: 'confirmed', data: { location: 'Ukraine–Belarus border' },
};

describe('inboundBody', () => {
  it('reads the body of POST /v1/reports as it is', () => {
    expect(inboundBody(Buffer.from(JSON.stringify(report)))).toEqual({ ok: true, body: report });
  });

  it("reads a CloudEvent's id, type, subject and data, and nothing of its source or time", () => {
    const { id, type, subject, ...rest } = report;
    const event = { specversion: '1.0', id, type, subject, source: 'newsroom/admin', time: '2020-01-01T00:00:00Z', datacontenttype: 'application/json', data: rest };
    const read = inboundBody(Buffer.from(JSON.stringify(event)));
    expect(read).toEqual({ ok: true, body: report });
    expect(JSON.stringify(read)).not.toMatch(/admin|2020/);
  });

  it('leaves a CloudEvent without an id without one, for the caller to give it one', () => {
    const { id: _id, type, subject, ...rest } = report;
    const read = inboundBody(Buffer.from(JSON.stringify({ specversion: '1.0', type, subject, data: rest })));
    expect(read.ok && 'id' in read.body).toBe(false);
  });

  it.each([
    ['no value', null, /empty message/],
    ['not JSON', Buffer.from('{"type":'), /not JSON/],
    ['an array', Buffer.from('[]'), /JSON object/],
    ['a CloudEvent without data', Buffer.from('{"specversion":"1.0","type":"exchange.agreed","subject":"exchange/x"}'), /`data` object/],
  ])('refuses %s, saying what to send', (_what, value, message) => {
    const read = inboundBody(value);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.message).toMatch(message);
  });
});

describe('inboundReportId', () => {
  it('is the same for the same message read twice, and differs by key and place', () => {
    const at = { topic: 'newsledger.inbound.kyiv-desk', partition: 2, offset: '41' };
    expect(inboundReportId('k1', at)).toBe(inboundReportId('k1', { ...at }));
    expect(new Set([inboundReportId('k1', at), inboundReportId('k2', at), inboundReportId('k1', { ...at, offset: '42' }), inboundReportId('k1', { ...at, partition: 1 })]).size).toBe(4);
    expect(inboundReportId('k1', at)).toMatch(/^[A-Za-z0-9._:-]{1,100}$/);
  });
});

describe('encodeInboundRejection', () => {
  const rejection = {
    error: 'invalid_report', message: 'fix the fields', desk: 'kyiv-desk', rejectedAt: '2026-12-05T10:00:00.000Z',
    original: { topic: 'newsledger.inbound.kyiv-desk', partition: 0, offset: '7', key: 'exchange/x', value: '{}' },
  };

  it('keys it like the original, with its position as a header', () => {
    const message = encodeInboundRejection(rejection);
    expect(message.key).toBe('exchange/x');
    expect(message.headers).toEqual({ 'x-original-position': 'newsledger.inbound.kyiv-desk/0/7' });
    expect(JSON.parse(message.value)).toEqual(rejection);
  });

  it('keeps the first 16 KiB of a large original, on a character boundary', () => {
    const value = `"${'є'.repeat(20_000)}"`;
    const kept = JSON.parse(encodeInboundRejection({ ...rejection, original: { ...rejection.original, value } }).value).original.value as string;
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(16 * 1024);
    expect(kept.endsWith('є')).toBe(true);
  });
});
