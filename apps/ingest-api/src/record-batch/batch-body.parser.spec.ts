import { BatchBodyError, MAX_BATCH_LINES, splitBatch } from './batch-body.parser';

describe('splitBatch', () => {
  it('numbers NDJSON lines from 1, skipping blank ones and keeping parse errors', () => {
    const lines = splitBatch('{"a":1}\n\n{bad\n{"b":2}\n', 'application/x-ndjson');
    expect(lines.map((l) => l.line)).toEqual([1, 3, 4]);
    expect(lines[1].parseError).toBeDefined();
    expect(lines[2].body).toEqual({ b: 2 });
  });

  it('numbers JSON array items from 1', () => {
    expect(splitBatch([{ a: 1 }, { b: 2 }], 'application/json').map((l) => l.line)).toEqual([1, 2]);
  });

  it('refuses a body that is neither', () => {
    expect(() => splitBatch({ a: 1 }, 'application/json')).toThrow(BatchBodyError);
  });

  it('refuses more lines than a batch may hold', () => {
    expect(() => splitBatch(Array.from({ length: MAX_BATCH_LINES + 1 }, () => ({})), 'application/json')).toThrow(/at most/);
  });

  it('refuses a flood of NDJSON lines as soon as it passes the limit, without parsing the rest', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(() => splitBatch('1\n'.repeat(1_000_000), 'application/x-ndjson')).toThrow(`a batch holds at most ${MAX_BATCH_LINES} reports`);
      expect(parse).toHaveBeenCalledTimes(MAX_BATCH_LINES);
    } finally {
      parse.mockRestore();
    }
  });

  it('takes a last line without a newline, CRLF line ends and exactly the most lines a batch may hold', () => {
    expect(splitBatch('{"a":1}\r\n{"b":2}', 'application/x-ndjson').map((l) => l.body)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(splitBatch('{}\n'.repeat(MAX_BATCH_LINES), 'application/x-ndjson')).toHaveLength(MAX_BATCH_LINES);
  });
});
