import { formatDeadLetters } from './dead-letters.command';

const letter = {
  position: '12', arrivedAt: '2025-05-23T10:00:01.204Z', reason: 'id_conflict: id "a" was already used', originalPosition: 'newsledger.events/3/17',
  key: 'exchange/x', issues: [], preview: '{"id":\n"a"}', bytes: 11, previewTruncated: false,
};

describe('newsledger dead-letters', () => {
  it('prints a header row, one line per letter and its first bytes on one line below, then how to page on', () => {
    expect(formatDeadLetters({ letters: [letter], nextBefore: '12', total: 13 }, 'newsledger.events.dlq')).toBe(
      [
        '13 dead letters on newsledger.events.dlq, newest first',
        'POSITION  ARRIVED                   ORIGINAL                REASON',
        '12        2025-05-23T10:00:01.204Z  newsledger.events/3/17  id_conflict: id "a" was already used',
        '          {"id": "a"}  (11 bytes)',
        'older: newsledger dead-letters --before 12',
        '',
      ].join('\n'),
    );
  });

  it('lists the first issues, each on one line, and says how many more there are', () => {
    const issues = Array.from({ length: 5 }, (_, i) => ({ path: `data.f${i}`, message: 'is required' }));
    const text = formatDeadLetters({ letters: [{ ...letter, issues, previewTruncated: true }], nextBefore: null, total: 1 }, 'dlq');
    expect(text).toContain('1 dead letter on dlq, newest first');
    expect(text).toContain('          data.f2: is required\n          … 2 more issues (--json lists them)\n');
    expect(text).toContain('{"id": "a"}…  (11 bytes)');
    expect(text).not.toContain('older:');
    const long = formatDeadLetters({ letters: [{ ...letter, issues: [...issues.slice(0, 3), { path: 'type', message: 'x'.repeat(300) }].reverse() }], nextBefore: null, total: 1 }, 'dlq');
    expect(long).toContain(`          type: ${'x'.repeat(153)}…\n`);
    expect(long).toContain('… 1 more issue (--json lists them)');
  });

  it('says when there are none', () => {
    expect(formatDeadLetters({ letters: [], nextBefore: null, total: 0 }, 'dlq')).toBe('no dead letters on dlq\n');
  });
});
