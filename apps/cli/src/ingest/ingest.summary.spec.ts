import { NO_STYLE } from '../terminal.style';
import { count, emptySummary, formatSummary } from './ingest.summary';
import { parseNdjsonLine, readNdjson } from './ndjson.reader';
import { Readable } from 'node:stream';

describe('ingest input', () => {
  it('parses NDJSON line by line, skipping blank lines and keeping the numbers of bad ones', async () => {
    const lines = [];
    for await (const l of readNdjson(Readable.from(['{"a":1}\n\n{oops\n', '  \n[1]']))) lines.push(l);
    expect(lines).toEqual([
      { line: 1, value: { a: 1 }, bytesRead: 8 },
      { line: 3, error: expect.stringMatching(/^not valid JSON: /), bytesRead: 15 },
      { line: 5, value: [1], bytesRead: 22 },
    ]);
    expect(parseNdjsonLine('   ', 9)).toBeUndefined();
    const crlf = [];
    for await (const l of readNdjson(Readable.from(['\uFEFF{"a":1}\r\n{"b":2}\r\n']))) crlf.push('value' in l ? l.value : l.error);
    expect(crlf).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

describe('ingest summary', () => {
  it('counts each outcome and lists what was not recorded by line, with its reason', () => {
    const s = emptySummary('reports.ndjson');
    s.reports = 4;
    count(s, 1, { line: 1, status: 'accepted', eventId: 'a', subject: 'exchange/x', partition: 0, offset: '1' });
    count(s, 2, { line: 2, status: 'duplicate', eventId: 'b', subject: 'exchange/x', partition: 0, offset: '0' });
    count(s, 7, { line: 3, status: 'rejected', error: 'invalid_report', message: 'fix the fields', details: [{ path: 'data.parties', message: 'required' }] });
    count(s, 4, { line: 4, status: 'rejected', error: 'invalid_json', message: 'not valid JSON: x' });
    expect(s).toMatchObject({ accepted: 1, duplicates: 1, rejected: 2, failed: 0 });
    expect(formatSummary(s, NO_STYLE)).toBe(
      [
        'reports.ndjson: 4 reports read: 1 accepted, 1 duplicate (already recorded), 2 rejected',
        'line 4: invalid_json: not valid JSON: x',
        'line 7: invalid_report: fix the fields',
        '  data.parties: required',
        '',
      ].join('\n'),
    );
  });
});
