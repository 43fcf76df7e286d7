import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('nestsDeeperThan', () => {
  it.each([
    ['{"a":{"b":[1,2,{"c":3}]}}', 4, false],
    ['{"a":{"b":[1,2,{"c":3}]}}', 3, true],
    [deep(MAX_JSON_DEPTH), MAX_JSON_DEPTH, false],
    [deep(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH, true],
    // brackets inside strings, escaped quotes and backslashes do not count
    [`{"a":"${'['.repeat(100)}"}`, 2, false],
    [`{"a":"\\"${'['.repeat(100)}"}`, 2, false],
    [`{"a":"\\\\","b":${deep(5)}}`, 3, true],
    [`["é€😀", ${deep(3)}]`, 3, true],
    ['"never closed [[[[[[', 2, false],
  ])('%s deeper than %d: %s', (text, max, expected) => {
    expect(nestsDeeperThan(Buffer.from(text), max)).toBe(expected);
  });

  it('counts each NDJSON line on its own, and ends an unclosed string with its line', () => {
    const lines = `${deep(3)}\n${deep(3)}\n${deep(3)}\n`;
    expect(nestsDeeperThan(Buffer.from(lines), 3, true)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(lines), 3, false)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('[[[\n[[[\n'), 3, true)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('[[[\n[[[\n'), 3, false)).toBe(true);
    // a quote left open on one line does not hide the next line's nesting
    expect(nestsDeeperThan(Buffer.from(`{"a":"open\n${deep(10)}\n{"b":"x"}`), 3, true)).toBe(true);
  });

  it('refuses 3.8 MiB of [[[… in milliseconds, and scans 16 MiB of reports quickly', () => {
    const attack = Buffer.from(deep(2_000_000));
    let started = performance.now();
    expect(nestsDeeperThan(attack, MAX_JSON_DEPTH)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5);
    const report = JSON.stringify({ type: 'exchange.agreed', subject: 'exchange/a-b', source: { name: 'x'.repeat(200) }, data: { releasedBy: { UA: 1, RU: 2 }, parties: ['UA', 'RU'] } });
    const batch = Buffer.from(`[${Array.from({ length: Math.floor((16 << 20) / (report.length + 1)) }, () => report).join(',')}]`);
    started = performance.now();
    expect(nestsDeeperThan(batch, MAX_JSON_DEPTH)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
