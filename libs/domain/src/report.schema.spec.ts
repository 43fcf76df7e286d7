import { eventJsonSchemas, EVENT_TYPES, validateReport } from './index';

const report = (source: object) => ({
  type: 'exchange.underway',
  subject: 'exchange/ua-ru-2025-05-1000',
  confirmation: 'confirmed',
  source,
  data: {},
});

describe('who a source speaks for (source.party, source.via)', () => {
  it('takes an ISO alpha-2 party and the outlet a relayed report comes from', () => {
    const r = validateReport(report({ name: 'Reuters', kind: 'agency', party: 'RU', via: 'TASS' }));
    expect(r).toMatchObject({ ok: true, report: { source: { name: 'Reuters', kind: 'agency', party: 'RU', via: 'TASS' } } });
  });

  it('refuses a party that is not an upper-case alpha-2 code', () => {
    for (const party of ['ru', 'RUS', 'R', 7]) {
      expect(validateReport(report({ name: 'x', kind: 'official', party }))).toMatchObject({
        ok: false,
        issues: [{ path: 'source.party', message: expect.stringContaining('ISO 3166 alpha-2') }],
      });
    }
  });

  it('refuses an empty via or one longer than 200 characters', () => {
    expect(validateReport(report({ name: 'x', kind: 'media', via: 'a'.repeat(200) }))).toMatchObject({ ok: true });
    expect(validateReport(report({ name: 'x', kind: 'media', via: 'a'.repeat(201) }))).toMatchObject({
      ok: false,
      issues: [{ path: 'source.via', message: 'must be at most 200 characters long (this one has 201)' }],
    });
    expect(validateReport(report({ name: 'x', kind: 'media', via: '' }))).toMatchObject({ ok: false, issues: [{ path: 'source.via' }] });
  });

  it('publishes both in the JSON Schema of every event type', () => {
    const schemas = eventJsonSchemas() as Record<string, { properties: { source: { properties: Record<string, { pattern?: string; maxLength?: number }> } } }>;
    for (const type of EVENT_TYPES) {
      const source = schemas[type]!.properties.source.properties;
      expect(source.party).toMatchObject({ pattern: '^[A-Z]{2}$' });
      expect(source.via).toMatchObject({ maxLength: 200 });
    }
  });
});
