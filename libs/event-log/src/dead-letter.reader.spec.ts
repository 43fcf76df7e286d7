import { encodeDeadLetter } from './dead-letter.message';
import { toDeadLetterEntry } from './dead-letter.reader';

const original = { topic: 'newsledger.events', partition: 3, offset: '17', timestamp: '2025-05-23T10:00:00.000Z', key: 'exchange/x' };

function asFetched(value: string, offset = '5') {
  const m = encodeDeadLetter({ reason: 'id_conflict: id "a" was already used', issues: [], original: { ...original, value } });
  return { offset, timestamp: '2025-05-23T10:00:01.000Z', key: m.key, value: Buffer.from(m.value as string), headers: m.headers as Record<string, string> };
}

describe('dead letter entries', () => {
  it('shows reason, original position, first bytes, size and arrival', () => {
    expect(toDeadLetterEntry(asFetched('{"id":"a"}'))).toEqual({
      position: '5', arrivedAt: '2025-05-23T10:00:01.000Z', reason: 'id_conflict: id "a" was already used', originalPosition: 'newsledger.events/3/17',
      key: 'exchange/x', issues: [], preview: '{"id":"a"}', bytes: 10, previewTruncated: false,
    });
  });

  it('keeps the first 200 characters of a long message and its whole size', () => {
    const e = toDeadLetterEntry(asFetched('é'.repeat(300)));
    expect([e.preview, e.bytes, e.previewTruncated]).toEqual(['é'.repeat(200), 600, true]);
  });

  it('gives the size of an original too large to carry whole, not of its kept bytes', () => {
    const e = toDeadLetterEntry(asFetched('x'.repeat(300 * 1024)));
    expect([e.preview?.length, e.bytes, e.previewTruncated]).toEqual([200, 300 * 1024, true]);
  });

  it('shows a message that is not a dead letter as it is', () => {
    const e = toDeadLetterEntry({ offset: '9', timestamp: '2025-05-23T10:00:01.000Z', key: null, value: Buffer.from('junk'), headers: {} });
    expect(e).toMatchObject({ reason: 'not a dead letter of this version', preview: 'junk', bytes: 4, originalPosition: null });
  });
});
