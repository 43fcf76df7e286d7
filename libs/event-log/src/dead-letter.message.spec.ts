import { createHash } from 'node:crypto';
import { DEAD_LETTER_MAX_BYTES, DEAD_LETTER_SCHEMA, encodeDeadLetter } from './dead-letter.message';

const at = { topic: 'newsledger.events', partition: 2, offset: '41', timestamp: '2025-05-23T10:00:00.000Z' };

describe('encodeDeadLetter', () => {
  it('carries a small original whole, with its position in a header', () => {
    const m = encodeDeadLetter({ reason: 'not JSON', issues: [], original: { ...at, key: 'exchange/x', value: '{"oops' } });
    expect(JSON.parse(String(m.value))).toEqual({ reason: 'not JSON', issues: [], original: { ...at, key: 'exchange/x', value: '{"oops' } });
    expect(m.headers).toEqual({ 'x-original-position': 'newsledger.events/2/41' });
  });

  it('fits the broker when the original is near its limit and escapes to twice its size: first bytes, length and SHA-256', () => {
    // ~1 MB of `\"`: JSON-escaped inside the dead letter it would be ~2 MB, past message.max.bytes.
    const original = `{"note":"${'\\"'.repeat(500_000)}"}`;
    const issues = Array.from({ length: 5000 }, (_, i) => ({ path: `data.x${i}`, message: 'is not a field'.repeat(200) }));
    const m = encodeDeadLetter({ reason: 'report failed validation', issues, original: { ...at, key: 'k'.repeat(5000), value: original } });
    expect(Buffer.byteLength(String(m.value))).toBeLessThanOrEqual(DEAD_LETTER_MAX_BYTES);
    const letter = DEAD_LETTER_SCHEMA.parse(JSON.parse(String(m.value)));
    expect(letter.original).toMatchObject({ truncated: true, bytes: Buffer.byteLength(original), sha256: createHash('sha256').update(original).digest('hex') });
    expect(original.startsWith(String(letter.original.value))).toBe(true);
    expect(letter.issues.length).toBeLessThanOrEqual(50);
    expect(letter.original.key).toBeNull();
  });

  it('never splits a multi-byte character when it cuts', () => {
    const original = '€'.repeat(400_000);
    const letter = JSON.parse(String(encodeDeadLetter({ reason: 'x', issues: [], original: { ...at, key: null, value: original } }).value));
    expect(letter.original.value).toMatch(/^€+$/);
  });
});
