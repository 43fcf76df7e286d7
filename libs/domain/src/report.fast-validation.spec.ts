import * as fc from 'fast-check';
import { currentVersionOf, EVENT_TYPES, isEventType, type EventType } from './event.catalogue';
import { compiledReportCheck, validateParsedReport } from './report.fast-validation';
import { EXAMPLES, report } from './report.fixture';
import { validateReport } from './report.validation';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values near the edges of the contract's rules: lengths, codes, instants, counts, URLs. */
const edgy: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    'UA', 'RU', 'BY', 'ua', 'RUS', '', 'x', 'exchange/ua-ru-1', 'negotiation/ua-ru-1', 'exchange/X', 'exchange/a',
    '2025', '2025-13', '2025-05', '2025-05-23', '2025-02-30', '2024-02-29', '2025-05-23T10:00:00Z', '2025-05-23T10:00:00.123+03:00',
    '2025-05-23T10:00:00', '2025-05-23T24:00:00Z', 'https://example.org/a', 'http://example.org', 'ftp://example.org', 'https://', 'not a url', ' https://example.org/a',
    'https://example.org/a\n', 'https://example.org/\ta',
    'confirmed', 'denied', 'agency', 'official', 'stalled', 'proposed', 'in_force', 'exchange.agreed', 'negotiation.round.held',
    'report.retracted', 'a'.repeat(200), 'a'.repeat(201), '😀'.repeat(100), '😀'.repeat(101), 'a'.repeat(2000), 'a'.repeat(2001),
    'id with space', 'x'.repeat(100), 'x'.repeat(101), 'abc:def.1_2-3',
  ),
  fc.constantFrom<Json>(0, 1, -1, 1.5, 2, 3, 366, 367, 1000, 1001, 2 ** 53 - 1, 2 ** 53, 1e21, null, true, false, [], {}),
  fc.array(fc.constantFrom('UA', 'RU', 'BY', 'ua', 'TR'), { maxLength: 22 }),
  fc.dictionary(fc.constantFrom('UA', 'RU', 'BY', 'ua', 'X1'), fc.constantFrom<Json>(0, 1, -1, 1.5, '1', 2 ** 53)),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

const keys = fc.constantFrom(
  'parties', 'releasedBy', 'location', 'expectedDays', 'mediators', 'negotiation', 'phase', 'date', 'reason', 'round', 'venue',
  'scheduledFor', 'agenda', 'delegationLevel', 'outcome', 'mediator', 'by', 'party', 'speaker', 'quote', 'topic', 'title', 'status',
  'eventId', 'id', 'type', 'subject', 'occurredAt', 'source', 'confirmation', 'data', 'note', 'name', 'kind', 'url', '__proto__', 'colour',
);

type Edit = { at: number; op: 'set' | 'delete' | 'add'; key: string; value: Json };
const edit: fc.Arbitrary<Edit> = fc.record({ at: fc.nat(), op: fc.constantFrom('set', 'delete', 'add'), key: keys, value: edgy });

/** Every object and array inside `value`, the value itself first. */
function containers(value: Json, out: (Json[] | { [key: string]: Json })[] = []): (Json[] | { [key: string]: Json })[] {
  if (value !== null && typeof value === 'object') {
    out.push(value);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

/** Applies the edits to a copy of `base`, then sends it through JSON as the log does. */
function mutated(base: object, edits: Edit[]): unknown {
  const doc = JSON.parse(JSON.stringify(base)) as Json;
  for (const e of edits) {
    const all = containers(doc);
    const target = all[e.at % all.length] as Record<string, Json>;
    const existing = Object.keys(target);
    const key = Array.isArray(target) || e.op !== 'add' ? existing[e.at % Math.max(1, existing.length)] ?? e.key : e.key;
    // defineProperty: an own "__proto__" key, as JSON.parse makes one.
    if (e.op === 'delete') delete target[key];
    // A copy of the value: the same generated object set twice would nest in itself.
    else Object.defineProperty(target, key, { value: structuredClone(e.value), enumerable: true, writable: true, configurable: true });
  }
  return JSON.parse(JSON.stringify(doc));
}

const validBase = fc.constantFrom(...EVENT_TYPES).chain((type: EventType) =>
  fc.constantFrom<object>(
    report(type),
    // With only the required fields, so deleting or adding one matters.
    { type, subject: EXAMPLES[type].subject, source: { name: 'x', kind: 'unnamed' }, confirmation: 'unconfirmed',
      data: Object.fromEntries(Object.entries(EXAMPLES[type].data).filter(([k]) => EXAMPLES[type].required.includes(k))) },
  ),
);

describe('compiledReportCheck', () => {
  it('accepts the valid example of every type, with and without its optional fields', () => {
    for (const type of EVENT_TYPES) expect(compiledReportCheck(JSON.parse(JSON.stringify(report(type))))).toBe(true);
  });

  it('never says yes when validateReport says no, and says no to a valid report only for a "__proto__" key or a URL zod cleans', () => {
    // zod's record skips a "__proto__" key (and drops it), which the JSON Schema refuses; zod trims
    // a URL and drops its tabs and newlines, which the compiled check leaves to zod. Refusing is
    // safe: validateParsedReport then asks validateReport.
    const missed: unknown[] = [];
    fc.assert(
      fc.property(validBase, fc.array(edit, { minLength: 1, maxLength: 3 }), (base, edits) => {
        const input = mutated(base, edits);
        // Both checked against one version, as the log decoder asks (HTTP would also try a deprecated one).
        const type = (input as { type?: unknown } | null)?.type;
        const version = isEventType(type) ? currentVersionOf(type) : undefined;
        const zod = validateReport(input, version);
        const compiled = compiledReportCheck(input, version);
        if (compiled) expect(zod.ok).toBe(true);
        else if (zod.ok) missed.push(input);
        expect(validateParsedReport(input, version)).toEqual(zod);
      }),
      { numRuns: 5000 },
    );
    const cleanedUrl = (input: unknown) => {
      const r = validateReport(input);
      return r.ok && r.report.source.url !== (input as { source: { url?: string } }).source.url;
    };
    expect(missed.filter((input) => !JSON.stringify(input).includes('"__proto__"') && !cleanedUrl(input))).toEqual([]);
  });

  it('checks an earlier version as zod does, and upcasts what it accepts alike', () => {
    const v1 = { ...report('negotiation.round.announced'), data: { round: 2, venue: 'Istanbul', agenda: 'memorandum' } };
    fc.assert(
      fc.property(fc.array(edit, { minLength: 0, maxLength: 3 }), (edits) => {
        const input = mutated(v1, edits);
        const zod = validateReport(input, 1);
        if (compiledReportCheck(input, 1)) expect(zod.ok).toBe(true);
        expect(validateParsedReport(input, 1)).toEqual(zod);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses what only the refinements catch: stray releasedBy codes, a repeated party, an empty details report, an ftp URL', () => {
    const cases = [
      report('exchange.agreed', { data: { parties: ['UA', 'RU'], releasedBy: { UA: 1, BY: 1 } } }),
      report('exchange.proposed', { data: { parties: ['UA', 'UA'] } }),
      report('exchange.phase.completed', { data: { phase: 1, releasedBy: {} } }),
      report('exchange.details.reported', { data: {} }),
      report('exchange.underway', { source: { name: 'Reuters', kind: 'agency', url: 'ftp://example.org/x' } }),
    ];
    for (const input of cases) {
      expect(validateReport(input).ok).toBe(false);
      expect(compiledReportCheck(input)).toBe(false);
    }
  });
});

describe('validateParsedReport', () => {
  it('returns a valid report itself, and for an invalid one the issues validateReport gives', () => {
    const valid = JSON.parse(JSON.stringify(report('exchange.agreed'))) as unknown;
    const ok = validateParsedReport(valid);
    expect(ok.ok && ok.report).toBe(valid);

    const invalid = report('exchange.agreed', { data: { parties: ['UA', 'RU'], releasedBy: { UA: 1, BY: 1 } }, colour: 'red' });
    expect(validateParsedReport(invalid)).toEqual(validateReport(invalid));
  });

  it('leaves a URL zod would clean (spaces, tabs, newlines) to zod, which returns it cleaned', () => {
    const input = JSON.parse(JSON.stringify(report('exchange.underway', { source: { name: 'Reuters', kind: 'agency', url: ' https://example.org/\ta\n' } }))) as unknown;
    expect(compiledReportCheck(input)).toBe(false);
    const result = validateParsedReport(input);
    expect(result.ok && result.report.source.url).toBe('https://example.org/a');
  });
});
