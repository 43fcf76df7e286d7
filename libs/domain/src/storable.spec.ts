import { isReportedTime, isInstant, occurredOnOrBefore, reportedTimeStart } from './occurred-at';
import { compiledReportCheck, validateParsedReport } from './report.fast-validation';
import { report } from './report.fixture';
import { EVENT_TYPES } from './event.catalogue';
import { validateReport } from './report.validation';
import { isStorableNumber, isStorableText } from './storable';

type Leaf = { path: (string | number)[]; value: unknown };

/** Every string and number leaf of a report, with its path. */
function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [{ path, value }];
}

function withLeaf(base: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let node: Record<string | number, unknown> = copy;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

/** The reports' free-text fields: every string leaf that is not an id, subject, code, enum or time. */
const textLeaves = EVENT_TYPES.flatMap((type) =>
  leaves(report(type))
    .filter((l) => typeof l.value === 'string')
    .filter((l) => !['id', 'type', 'subject', 'occurredAt', 'confirmation'].includes(String(l.path[0])))
    .filter((l) => !['kind', 'url', 'negotiation', 'date', 'scheduledFor', 'party', 'ceasefire', 'status', 'eventId'].includes(String(l.path[l.path.length - 1])))
    .filter((l) => !/^[A-Z]{2}$/.test(String(l.value)))
    .map((l) => ({ type, ...l })),
);

/** Everything the log decoder and HTTP see, in the form the log decoder gets it (parsed JSON text). */
function bothRefuse(candidate: Record<string, unknown>, where: string): void {
  const slow = validateReport(candidate);
  expect(slow.ok).toBe(false);
  if (!slow.ok) expect(slow.issues.map((i) => i.path)).toContain(where);
  const parsed = JSON.parse(JSON.stringify(candidate)) as Record<string, unknown>;
  expect(compiledReportCheck(parsed)).toBe(false);
  expect(validateParsedReport(parsed).ok).toBe(false);
}

describe('what PostgreSQL can store, refused at the door', () => {
  it('finds free text in every event type (the table below is not empty)', () => {
    expect(new Set(textLeaves.map((l) => l.type)).size).toBeGreaterThanOrEqual(EVENT_TYPES.length - 2);
    expect(textLeaves.length).toBeGreaterThan(30);
  });

  it.each(textLeaves.map((l) => [`${l.type} ${l.path.join('.')}`, l] as const))('a lone surrogate or NUL in %s is refused, naming the field', (_, leaf) => {
    const where = leaf.path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
    for (const bad of ['a\ud800b', 'x\udfff', '\udc00\ud800', 'a\u0000b']) {
      bothRefuse(withLeaf(report(leaf.type), leaf.path, bad), where);
    }
  });

  it('the source of a report sent straight to Kafka is checked by the same rule', () => {
    expect(isStorableText('newsroom/kyiv-desk')).toBe(true);
    expect(isStorableText('newsroom/kyiv\ud800')).toBe(false);
  });

  it('keeps valid text whole: paired surrogates (emoji, 4-byte characters), RTL marks, controls other than NUL', () => {
    for (const good of ['😀 𝔘𝔄', 'مرحبا\u200f', 'tab\tnewline\n', '\u0001\u007f', 'a\ud83d\ude00b']) {
      expect(isStorableText(good)).toBe(true);
      const r = report('exchange.underway', { note: good });
      expect(validateReport(r).ok).toBe(true);
      expect(compiledReportCheck(JSON.parse(JSON.stringify(r)))).toBe(true);
    }
  });

  it('refuses numbers that do not survive a round trip: infinite (1e400 in JSON) or integers past 2^53 - 1', () => {
    const numbers = EVENT_TYPES.flatMap((type) => leaves(report(type)).filter((l) => typeof l.value === 'number').map((l) => ({ type, ...l })));
    expect(numbers.length).toBeGreaterThan(5);
    for (const leaf of numbers) {
      const where = leaf.path.join('.');
      // JSON.parse('1e400') is Infinity: what the log decoder would see.
      for (const bad of [Infinity, 2 ** 53, -Infinity]) {
        const candidate = withLeaf(report(leaf.type), leaf.path, bad);
        const slow = validateReport(candidate);
        expect(slow.ok).toBe(false);
        if (!slow.ok) expect(slow.issues.map((i) => i.path)).toContain(where);
        const parsed = JSON.parse(JSON.stringify(report(leaf.type)).replace(`"${String(leaf.path[leaf.path.length - 1])}":${String(leaf.value)}`, `"${String(leaf.path[leaf.path.length - 1])}":${bad === Infinity ? '1e400' : bad === -Infinity ? '-1e400' : '9007199254740992'}`));
        expect(validateParsedReport(parsed).ok).toBe(false);
      }
    }
    expect(isStorableNumber(2 ** 53 - 1)).toBe(true);
    expect(isStorableNumber(0.5)).toBe(true);
    expect(isStorableNumber(NaN)).toBe(false);
  });

  it.each([
    ['0000'],
    ['0000-01'],
    ['0000-01-01'],
    ['0000-01-01T00:00:00Z'],
    ['0000-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59-14:00'],
    ['0001-01-01T00:00:00+01:00'],
    ['10000-01-01'],
  ])('an occurredAt outside years 0001-9999 (%s) is refused by both checks', (bad) => {
    bothRefuse(report('exchange.underway', { occurredAt: bad }), 'occurredAt');
    bothRefuse(report('negotiation.round.held', { data: { round: 1, date: bad } }), 'data.date');
  });

  it.each([['0001'], ['0050-06'], ['0099-12-31'], ['9999'], ['9999-12-31'], ['2025-05-23T10:00:00+03:00']])('accepts %s', (good) => {
    expect(validateReport(report('exchange.underway', { occurredAt: good })).ok).toBe(true);
    expect(compiledReportCheck(JSON.parse(JSON.stringify(report('exchange.underway', { occurredAt: good }))))).toBe(true);
    expect(isReportedTime(good)).toBe(true);
  });
});

describe('times of years 0001-0099', () => {
  it('are those years, not 1900-1999', () => {
    expect(reportedTimeStart('0050')).toBe('0050-01-01T00:00:00.000Z');
    expect(reportedTimeStart('0099-12-31')).toBe('0099-12-31T00:00:00.000Z');
    expect(occurredOnOrBefore('0050-06', '0051')).toBe(true);
    expect(occurredOnOrBefore('1950', '0051')).toBe(false);
  });

  it('an instant the query APIs read must lie in the range too', () => {
    expect(isInstant('0000-01-01T00:00:00Z')).toBe(false);
    expect(isInstant('9999-12-31T23:59:59-14:00')).toBe(false);
    expect(isInstant('9999-12-31T23:59:59Z')).toBe(true);
    expect(isInstant('0001-01-01T00:00:00Z')).toBe(true);
  });
});
