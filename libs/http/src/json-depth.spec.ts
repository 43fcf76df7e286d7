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

  // How fast is for the bench; what is checked here is why it is fast: the scan stops at the first
  // bracket past the limit, whatever follows, and reads each byte of a long valid body once.
  it('stops at the first bracket past the limit of 3.8 MiB of [[[…, and reads a 16 MiB batch once', () => {
    const reads = (body: Buffer) => {
      let count = 0;
      const counted = new Proxy(body, {
        get(target, key) {
          if (typeof key === 'string' && /^\d+$/.test(key)) count++;
          const value = Reflect.get(target, key, target) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      return { result: (lines = false) => nestsDeeperThan(counted, MAX_JSON_DEPTH, lines), count: () => count };
    };
    const attack = reads(Buffer.from(deep(2_000_000)));
    expect(attack.result()).toBe(true);
    expect(attack.count()).toBe(MAX_JSON_DEPTH + 1);
    const report = JSON.stringify({ type: 'exchange.agreed', subject: 'exchange/a-b', source: { name: 'x'.repeat(200) }, data: { releasedBy: { UA: 1, RU: 2 }, parties: ['UA', 'RU'] } });
    const text = `[${Array.from({ length: Math.floor((16 << 20) / (report.length + 1)) }, () => report).join(',')}]`;
    const batch = reads(Buffer.from(text));
    expect(batch.result()).toBe(false);
    // Strings are skipped by indexOf, so only the bytes outside them (and a quote's backslash check) are read one by one.
    expect(batch.count()).toBeLessThan(text.length / 4);
  });
});
