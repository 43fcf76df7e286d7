import { EVENT_TYPES, validateReport, type ValidationIssue } from './index';
import { EXAMPLES, report } from './report.fixture';

function issuesOf(input: unknown): ValidationIssue[] {
  const result = validateReport(input);
  if (result.ok) throw new Error(`expected issues, got a valid report: ${JSON.stringify(input)}`);
  return result.issues;
}

const otherKind = (subject: string) =>
  subject.startsWith('exchange/') ? subject.replace('exchange/', 'negotiation/') : subject.replace('negotiation/', 'exchange/');

describe('validateReport', () => {
  it('knows every type of the contract', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...EVENT_TYPES].sort());
  });

  describe.each(EVENT_TYPES)('%s', (type) => {
    it('accepts a valid report and returns it as given', () => {
      const input = report(type);
      expect(validateReport(input)).toEqual({ ok: true, report: input });
    });

    it('accepts it with only the required fields', () => {
      const { data, required } = EXAMPLES[type];
      const minimal = Object.fromEntries(Object.entries(data).filter(([key]) => required.includes(key)));
      if (type === 'exchange.details.reported') minimal.expectedDays = 3;
      const input = { type, subject: EXAMPLES[type].subject, source: { name: 'x', kind: 'unnamed' }, confirmation: 'unconfirmed', data: minimal };
      expect(validateReport(input)).toMatchObject({ ok: true });
    });

    for (const field of EXAMPLES[type].required) {
      it(`rejects it without ${field}`, () => {
        const data = { ...EXAMPLES[type].data };
        delete data[field];
        expect(issuesOf(report(type, { data }))).toEqual([{ path: `data.${field}`, message: expect.stringMatching(/^is required: /) }]);
      });
    }

    it('rejects an unknown data field, naming the allowed ones', () => {
      const data = { ...EXAMPLES[type].data, colour: 'red' };
      expect(issuesOf(report(type, { data }))).toEqual([
        { path: 'data.colour', message: expect.stringMatching(new RegExp(`^is not a field of ${type.replaceAll('.', '\\.')} data; allowed: `)) },
      ]);
    });

    if (type !== 'report.retracted') {
      it('rejects a subject of the wrong kind', () => {
        const [issue] = issuesOf(report(type, { subject: otherKind(EXAMPLES[type].subject) }));
        expect(issue).toEqual({ path: 'subject', message: expect.stringContaining(`for ${type}, not a`) });
      });
    }
  });

  it('accepts a retraction about either kind of subject', () => {
    expect(validateReport(report('report.retracted', { subject: 'negotiation/ua-ru-1' }))).toMatchObject({ ok: true });
  });

  it('gives one clear issue for an unknown type, listing the known ones', () => {
    const issues = issuesOf(report('exchange.agreed', { type: 'exchange.agred' }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('type');
    expect(issues[0]!.message).toContain('"exchange.agred" is not a known event type (did you mean "exchange.agreed"?)');
    for (const type of EVENT_TYPES) expect(issues[0]!.message).toContain(type);
  });

  it('still checks the envelope when the type is unknown or missing', () => {
    const { type: _type, ...untyped } = report('exchange.agreed', { confirmation: 'maybe' });
    expect(issuesOf(untyped).map((i) => i.path)).toEqual(['type', 'confirmation']);
    expect(issuesOf(untyped)[0]!.message).toMatch(/^is required; known types: /);
  });

  it('rejects an unknown top-level or source field and suggests the likely one', () => {
    const { source, ...rest } = report('exchange.underway');
    expect(issuesOf({ ...rest, sorce: source })).toEqual([
      { path: 'source', message: expect.stringMatching(/^is required/) },
      { path: 'sorce', message: expect.stringContaining('did you mean "source"?') },
    ]);
    expect(issuesOf(report('exchange.underway', { source: { name: 'x', kind: 'media', author: 'y' } }))).toEqual([
      { path: 'source.author', message: 'is not a field of source; allowed: name, kind, url, speaker, party, via' },
    ]);
  });

  it('echoes a huge unknown type or key cut short, and answers a flood of unknown keys in a page', () => {
    const huge = 'x'.repeat(1_000_000);
    const [typeIssue] = issuesOf(report('exchange.agreed', { type: huge }));
    expect(typeIssue!.message).toMatch(/^"x{64}…" is not a known event type; known types: /);
    const [keyIssue] = issuesOf({ ...report('exchange.underway'), [huge]: 1 });
    expect(keyIssue!.path).toBe(`["${'x'.repeat(64)}…"]`);
    expect(keyIssue!.message.length).toBeLessThan(300);

    const flood = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`extra${i}`, i]));
    const issues = issuesOf({ ...report('exchange.underway'), ...flood });
    expect(issues).toHaveLength(51);
    expect(issues[50]).toEqual({ path: '', message: 'and 150 more problems of the same kinds; fix those listed first' });
  });

  it.each(['2025', '2025-05', '2025-05-23', '2025-05-23T09:30:00Z', '2025-05-23T09:30:00.250+03:00', '2024-02-29'])(
    'accepts occurredAt %s and keeps it as given',
    (occurredAt) => {
      const result = validateReport(report('exchange.underway', { occurredAt }));
      expect(result).toMatchObject({ ok: true, report: { occurredAt } });
    },
  );

  it.each(['25', '2025-13', '2025-02-30', '2025-5-23', '2025-05-23T09:30:00', '2025-05-23 09:30:00Z', 'yesterday', '2025-05-23T25:00:00Z'])(
    'rejects occurredAt %s, saying which formats work',
    (occurredAt) => {
      expect(issuesOf(report('exchange.underway', { occurredAt }))).toEqual([
        { path: 'occurredAt', message: expect.stringContaining('"YYYY", "YYYY-MM", "YYYY-MM-DD" or an ISO-8601 instant with offset') },
      ]);
    },
  );

  it('rejects a party that is not an upper-case alpha-2 code, in lists and as keys', () => {
    const data = { parties: ['ua', 'RUS'], releasedBy: { ua: 1 } };
    const message = 'must be an ISO 3166 alpha-2 country code in upper case, such as "UA"';
    expect(issuesOf(report('exchange.agreed', { data }))).toEqual([
      { path: 'data.parties[0]', message },
      { path: 'data.parties[1]', message },
      { path: 'data.releasedBy.ua', message: `key "ua" ${message}` },
    ]);
    expect(issuesOf(report('negotiation.position.stated', { data: { ...EXAMPLES['negotiation.position.stated'].data, party: 'Russia' } }))).toEqual([
      { path: 'data.party', message },
    ]);
  });

  it('rejects releasedBy naming a party not listed in parties', () => {
    expect(issuesOf(report('exchange.agreed', { data: { parties: ['UA', 'RU'], releasedBy: { UA: 1, BY: 1 } } }))).toEqual([
      { path: 'data.releasedBy.BY', message: expect.stringContaining('"BY", which is not in parties [UA, RU]') },
    ]);
  });

  it('rejects negative or fractional counts, duplicate parties and an empty releasedBy', () => {
    expect(issuesOf(report('exchange.completed', { data: { releasedBy: { UA: -1, RU: 2.5 } } }))).toEqual([
      { path: 'data.releasedBy.UA', message: 'must be 0 or more' },
      { path: 'data.releasedBy.RU', message: 'must be a whole number of people released, 0 or more' },
    ]);
    expect(issuesOf(report('exchange.proposed', { data: { parties: ['UA', 'UA'] } }))).toEqual([
      { path: 'data.parties', message: 'must not list the same party twice' },
    ]);
    expect(issuesOf(report('exchange.completed', { data: { releasedBy: {} } }))[0]!.message).toMatch(/^must name at least one party/);
  });

  it('rejects a details report that reports nothing', () => {
    expect(issuesOf(report('exchange.details.reported', { data: {} }))).toEqual([
      { path: 'data', message: 'must report at least one of location, mediators, expectedDays' },
    ]);
  });

  it('rejects a note over 2000 characters, saying how long it is', () => {
    expect(validateReport(report('exchange.underway', { note: 'x'.repeat(2000) }))).toMatchObject({ ok: true });
    expect(issuesOf(report('exchange.underway', { note: 'x'.repeat(2001) }))).toEqual([
      { path: 'note', message: 'must be at most 2000 characters long (this one has 2001)' },
    ]);
  });

  it('rejects a malformed subject, id, confirmation and source', () => {
    const issues = issuesOf(
      report('exchange.underway', {
        subject: 'exchange/UA-RU',
        id: 'has spaces',
        confirmation: 'probably',
        source: { name: '', kind: 'blog', url: 'ftp://example.org' },
      }),
    );
    expect(issues).toEqual([
      { path: 'id', message: 'must be a UUID or another id of 1-100 characters from A-Z a-z 0-9 . _ : -' },
      { path: 'subject', message: expect.stringContaining('lower-case letters, digits or dashes') },
      { path: 'source.name', message: 'must not be empty' },
      { path: 'source.kind', message: 'must be one of official, military, government, agency, media, social, unnamed' },
      { path: 'source.url', message: 'must be an http or https URL' },
      { path: 'confirmation', message: 'must be one of confirmed, reported, claimed, unconfirmed, denied' },
    ]);
  });

  it('accepts a UUID or another short id, and rejects one over 100 characters', () => {
    expect(validateReport(report('exchange.underway', { id: '0196f2c4-7b1e-7c3a-9d2f-1a2b3c4d5e6f' }))).toMatchObject({ ok: true });
    expect(validateReport(report('exchange.underway', { id: 'reuters:2025-05-23:swap_1' }))).toMatchObject({ ok: true });
    expect(issuesOf(report('exchange.underway', { id: 'x'.repeat(101) }))[0]!.path).toBe('id');
  });

  it.each([null, 'a report', 42, [{ type: 'exchange.underway' }]])('rejects %p as not a report', (input) => {
    expect(issuesOf(input)).toEqual([{ path: '', message: expect.stringMatching(/^must be a JSON object/) }]);
  });
});
