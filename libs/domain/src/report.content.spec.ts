import { canonicalJson, reportContentKey } from './report.content';
import { report } from './report.fixture';

describe('reportContentKey', () => {
  const base = report('exchange.completed', { data: { releasedBy: { UA: 150, RU: 150 } } }) as never;

  it('is the same whatever the order of keys, at any depth', () => {
    const reordered = { ...(base as object), source: { kind: 'agency', url: 'https://www.reuters.com/x', speaker: 'a spokesperson', name: 'Reuters' }, data: { releasedBy: { RU: 150, UA: 150 } } } as never;
    expect(reportContentKey(reordered)).toBe(reportContentKey(base));
  });

  it('reads parties and mediators as sets, other lists in order', () => {
    const agreed = report('exchange.agreed', { data: { parties: ['UA', 'RU'], mediators: ['AE', 'Vatican'] } }) as never;
    expect(reportContentKey({ ...(agreed as object), data: { parties: ['RU', 'UA'], mediators: ['Vatican', 'AE'] } } as never)).toBe(reportContentKey(agreed));
    expect(reportContentKey({ ...(agreed as object), data: { parties: ['RU', 'UA', 'TR'], mediators: ['AE', 'Vatican'] } } as never)).not.toBe(reportContentKey(agreed));
  });

  it('does not depend on the id, and treats an absent note or occurredAt like null', () => {
    const { note: _n, occurredAt: _o, ...bare } = base as Record<string, unknown>;
    expect(reportContentKey({ ...bare, id: 'other', note: null, occurredAt: null } as never)).toBe(reportContentKey(bare as never));
  });

  it('differs when anything said differs', () => {
    expect(reportContentKey({ ...(base as object), data: { releasedBy: { UA: 150, RU: 189 } } } as never)).not.toBe(reportContentKey(base));
    expect(reportContentKey({ ...(base as object), confirmation: 'claimed' } as never)).not.toBe(reportContentKey(base));
  });

  it('canonicalJson keeps arrays in order and writes strings as JSON does', () => {
    expect(canonicalJson({ b: [2, 1], a: 'é"\n' })).toBe('{"a":"é\\"\\n","b":[2,1]}');
  });
});

describe('reportContentKey across versions', () => {
  const sent = {
    type: 'negotiation.round.announced',
    subject: 'negotiation/ua-ru-1',
    source: { name: 'TASS', kind: 'agency' },
    confirmation: 'reported',
    data: { round: 2, agenda: 'memorandum' },
  };

  it('compares what was recorded: a version 1 report upcast is the report sent before versions existed', () => {
    const upcast = { ...sent, data: { round: 2, agenda: ['memorandum'] }, recordedAs: { version: 1, data: sent.data } };
    expect(reportContentKey(upcast)).toBe(reportContentKey(sent));
    // The same words sent as version 2 are another recording of them.
    expect(reportContentKey({ ...sent, data: { round: 2, agenda: ['memorandum'] } })).not.toBe(reportContentKey(sent));
  });
});
