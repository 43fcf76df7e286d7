import fc from 'fast-check';
import { DomainError } from './domain.error';
import { currentVersionOf, dataschemaOf, EVENT_VERSIONS, versionNamed } from './event.catalogue';
import { upcast } from './event.upcast';
import { eventJsonSchemaIn, eventJsonSchemaVersions } from './report.json-schema';
import { validateParsedReport } from './report.fast-validation';
import { deprecatedVersionOf, validateReport } from './report.validation';

const announced = (data: Record<string, unknown>) => ({
  type: 'negotiation.round.announced' as const,
  subject: 'negotiation/ua-ru-istanbul-2025',
  source: { name: 'TASS', kind: 'agency' as const },
  confirmation: 'reported' as const,
  data,
});

describe('upcast: the one step from what was recorded to what the reducers read', () => {
  it("makes version 1's agenda string the one item of version 2's list, and keeps what was recorded", () => {
    const v1 = announced({ round: 2, venue: 'Istanbul', agenda: 'Moscow to present a memorandum; ceasefire terms' });
    expect(upcast(v1, 1)).toEqual({
      ...v1,
      data: { round: 2, venue: 'Istanbul', agenda: ['Moscow to present a memorandum; ceasefire terms'] },
      recordedAs: { version: 1, data: v1.data },
    });
    // The recorded event itself is left as it was.
    expect(v1.data.agenda).toBe('Moscow to present a memorandum; ceasefire terms');
  });

  it('leaves a version 1 announcement without an agenda as it was, but for recordedAs', () => {
    const v1 = announced({ round: 1 });
    expect(upcast(v1, 1)).toEqual({ ...v1, recordedAs: { version: 1, data: { round: 1 } } });
  });

  it('returns an event already in the current version as it is, for every type', () => {
    const v2 = announced({ round: 2, agenda: ['memorandum'] });
    expect(upcast(v2, 2)).toBe(v2);
    const other = { type: 'exchange.underway', data: {} };
    expect(upcast(other, 1)).toBe(other);
  });

  it('refuses a version the type does not have (a log written by a newer release), with a DomainError', () => {
    for (const [event, version] of [[announced({ round: 1 }), 3], [announced({ round: 1 }), 0], [{ type: 'exchange.underway', data: {} }, 2]] as const) {
      const thrown = (() => {
        try {
          upcast(event, version);
        } catch (e) {
          return e;
        }
      })();
      expect(thrown).toBeInstanceOf(DomainError);
      expect(thrown).toMatchObject({ code: 'unknown_version', details: { type: event.type, version } });
    }
  });

  it('turns every valid version 1 announcement into a valid version 2 one that says the same', () => {
    const text = (maxLength: number) => fc.string({ minLength: 1, maxLength });
    fc.assert(
      fc.property(fc.record({ round: fc.integer({ min: 1, max: 1000 }), venue: text(200), agenda: text(2000) }, { requiredKeys: ['round'] }), (data) => {
        const sent = announced(data);
        const v1 = validateReport(sent, 1);
        expect(v1.ok).toBe(true);
        if (!v1.ok) return;
        // What the reducers read is a valid version 2 report, and the agenda says the same words.
        const { recordedAs: _recordedAs, ...read } = v1.report;
        expect(validateReport(read, 2)).toEqual({ ok: true, report: read });
        expect((read.data as { agenda?: string[] }).agenda).toEqual(data.agenda === undefined ? undefined : [data.agenda]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('versions over HTTP and on the log', () => {
  it('HTTP takes version 2, and version 1 (deprecated) recorded as sent', () => {
    const list = announced({ round: 2, agenda: ['memorandum', 'ceasefire'] });
    expect(validateReport(list)).toEqual({ ok: true, report: list });
    const string = announced({ round: 2, agenda: 'memorandum' });
    expect(validateReport(string)).toEqual({ ok: true, report: { ...string, data: { round: 2, agenda: ['memorandum'] }, recordedAs: { version: 1, data: { round: 2, agenda: 'memorandum' } } } });
  });

  it('says which deprecated version a report was accepted in, for the answer to warn of', () => {
    expect(deprecatedVersionOf(announced({ round: 2, agenda: 'memorandum' }))).toEqual({
      type: 'negotiation.round.announced', version: 1, deprecatedSince: '2026-12-05', acceptedUntil: '2027-06-30',
    });
    for (const current of [announced({ round: 2, agenda: ['memorandum'] }), announced({ round: 2 }), announced({ round: 2, agenda: 7 }), { type: 'exchange.underway' }, null]) {
      expect(deprecatedVersionOf(current)).toBeUndefined();
    }
  });

  it("HTTP words a report valid in neither version by the current version's rules", () => {
    expect(validateReport(announced({ round: 2, agenda: [] }))).toEqual({ ok: false, issues: [{ path: 'data.agenda', message: 'must list at least 1 item' }] });
    expect(validateReport(announced({ round: 2, agenda: 7 }))).toEqual({
      ok: false,
      issues: [{ path: 'data.agenda', message: 'must be a list of agenda items, such as ["prisoner exchange","ceasefire"]' }],
    });
    expect(validateReport(announced({ round: 2, agenda: [''] }))).toMatchObject({ ok: false, issues: [{ path: 'data.agenda[0]', message: 'must not be empty' }] });
  });

  it('a log message is checked against the version it names, not guessed', () => {
    expect(validateReport(announced({ round: 2, agenda: ['memorandum'] }), 1)).toMatchObject({ ok: false, issues: [{ path: 'data.agenda' }] });
    expect(validateReport(announced({ round: 2, agenda: 'memorandum' }), 2)).toMatchObject({ ok: false, issues: [{ path: 'data.agenda' }] });
    expect(validateReport(announced({ round: 2 }), 3)).toMatchObject({ ok: false, issues: [{ path: 'type', message: 'negotiation.round.announced has no version 3' }] });
  });

  it('the compiled check of log messages agrees, and upcasts a version 1 message', () => {
    const message = () => JSON.parse(JSON.stringify({ ...announced({ round: 2, agenda: 'memorandum' }), id: 'm-1' })) as Record<string, unknown>;
    expect(validateParsedReport(message(), 1)).toEqual(validateReport(message(), 1));
    expect(validateParsedReport(message(), 1)).toMatchObject({ ok: true, report: { data: { agenda: ['memorandum'] }, recordedAs: { version: 1, data: { agenda: 'memorandum' } } } });
    expect(validateParsedReport(message(), 2)).toMatchObject({ ok: false, issues: [{ path: 'data.agenda' }] });
  });

  it('names each version by a dataschema URI, and reads one back only for its own type and versions', () => {
    expect(dataschemaOf('negotiation.round.announced', 2)).toBe('urn:newsledger:schema:negotiation.round.announced:v2');
    expect(versionNamed('negotiation.round.announced', undefined)).toBe(1);
    expect(versionNamed('negotiation.round.announced', 'urn:newsledger:schema:negotiation.round.announced:v1')).toBe(1);
    expect(versionNamed('negotiation.round.announced', 'urn:newsledger:schema:negotiation.round.announced:v2')).toBe(2);
    for (const other of ['urn:newsledger:schema:negotiation.round.announced:v3', 'urn:newsledger:schema:negotiation.round.announced:v02',
      'urn:newsledger:schema:negotiation.round.held:v1', 'urn:newsledger:schema:negotiation.round.announced:v', 2, null]) {
      expect(versionNamed('negotiation.round.announced', other)).toBeUndefined();
    }
    expect(versionNamed('exchange.underway', 'urn:newsledger:schema:exchange.underway:v1')).toBe(1);
    expect(versionNamed('exchange.underway', 'urn:newsledger:schema:exchange.underway:v2')).toBeUndefined();
  });

  it('publishes every version of each versioned type, the earlier ones marked deprecated', () => {
    const versions = eventJsonSchemaVersions() as Record<string, Record<string, Record<string, any>>>;
    expect(Object.keys(versions)).toEqual(Object.keys(EVENT_VERSIONS));
    const announcedVersions = versions['negotiation.round.announced'];
    expect(Object.keys(announcedVersions)).toEqual(['1', '2']);
    expect(announcedVersions['1'].properties.data.properties.agenda).toMatchObject({ type: 'string', maxLength: 2000 });
    expect(announcedVersions['1']).toMatchObject({ deprecated: true, description: expect.stringContaining('through 2027-06-30') });
    expect(announcedVersions['2'].properties.data.properties.agenda).toMatchObject({ type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', maxLength: 2000 } });
    expect(announcedVersions['2']).not.toHaveProperty('deprecated');
    expect(eventJsonSchemaIn('negotiation.round.announced', currentVersionOf('negotiation.round.announced'))).toEqual(announcedVersions['2']);
    expect(eventJsonSchemaIn('negotiation.round.announced', 3)).toBeUndefined();
  });
});
