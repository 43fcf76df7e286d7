import { exchangeViewOf, freshRecorder, SOURCES } from './event.fixture';
import type { ExchangeView } from './exchange.projection';
import { isDisputed, withFigures } from './figures';
import type { RecordedEvent, Source } from './report.schema';

const { ruMod, uaHq, reutersTass } = SOURCES;
const zelensky: Source = { name: 'Office of the President of Ukraine', kind: 'official', party: 'UA', speaker: 'Volodymyr Zelensky' };
const apTass: Source = { name: 'AP', kind: 'agency', via: 'TASS' };

const SUBJECT = 'exchange/ua-ru-2024-12-30';
const record = freshRecorder(SUBJECT);

const viewOf = (events: readonly RecordedEvent[]): ExchangeView => exchangeViewOf(SUBJECT, events);

/** 30 December 2024: Russia's MoD said 150 for 150; Zelensky said 189 Ukrainians came home. */
function december30(): RecordedEvent[] {
  return [
    record('exchange.completed', { releasedBy: { RU: 150, UA: 150 } }, { id: 'ru-mod-150', source: ruMod, occurredAt: '2024-12-30' }),
    record('exchange.completed', { releasedBy: { RU: 189 } }, { id: 'zelensky-189', source: zelensky, occurredAt: '2024-12-30' }),
  ];
}

describe('figures', () => {
  it('resolves released per party: a total naming only RU never erases the UA figure (fix)', () => {
    const view = viewOf([
      record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }, { source: ruMod }),
      record('exchange.completed', { releasedBy: { RU: 1000 } }, { source: uaHq }),
    ]);
    expect(view.released).toEqual({ RU: 1000, UA: 390 });
  });

  it('takes per party the larger of the summed phases and the total', () => {
    const view = viewOf([
      record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }, { source: ruMod }),
      record('exchange.phase.completed', { phase: 2, releasedBy: { UA: 307, RU: 307 } }, { source: ruMod }),
      record('exchange.completed', { releasedBy: { UA: 600, RU: 1000 } }, { id: 'total', source: ruMod }),
    ]);
    expect(view.released).toEqual({ RU: 1000, UA: 697 });
    expect(view.evidence.released).toEqual(['ua-ru-2024-12-30-1', 'ua-ru-2024-12-30-2', 'total']);
  });

  it('shows a dispute with every value and its sources, and the lowest value, never the other silently', () => {
    const view = viewOf(december30());
    expect(view.released).toEqual({ RU: 150, UA: 150 });
    expect(view.disputes).toEqual([
      {
        fact: 'released.RU',
        values: [
          { value: 150, sources: [{ name: ruMod.name, kind: 'official', party: 'RU' }], eventIds: ['ru-mod-150'] },
          { value: 189, sources: [{ name: zelensky.name, kind: 'official', party: 'UA' }], eventIds: ['zelensky-189'] },
        ],
        shown: 150,
      },
    ]);
  });

  it('takes a later report from the same source as a correction, not a dispute', () => {
    const view = viewOf([
      record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }, { source: ruMod }),
      record('exchange.phase.completed', { phase: 1, releasedBy: { RU: 391 } }, { id: 'correction', source: { ...ruMod, name: ' russian ministry of defence' } }),
    ]);
    expect(view.disputes).toEqual([]);
    expect(view.released).toEqual({ RU: 391, UA: 390 });
    expect(view.phases).toEqual([{ phase: 1, releasedBy: { RU: 391, UA: 390 }, eventId: 'correction' }]);
  });

  it('takes two desks relaying TASS as one source: the later figure corrects the earlier', () => {
    const view = viewOf([
      record('exchange.completed', { releasedBy: { RU: 150 } }, { source: reutersTass }),
      record('exchange.completed', { releasedBy: { RU: 149 } }, { source: apTass }),
    ]);
    expect(view.disputes).toEqual([]);
    expect(view.released).toEqual({ RU: 149 });
  });

  it('disputes a phase figure as phase.<n>.<P>, and shows the lowest in the phase and the sum', () => {
    const view = viewOf([
      record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }, { source: ruMod }),
      record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 392, RU: 390 } }, { source: uaHq }),
    ]);
    expect(view.disputes.map((d) => [d.fact, d.shown, d.values.map((v) => v.value)])).toEqual([['phase.1.UA', 390, [390, 392]]]);
    expect(view.phases[0]?.releasedBy).toEqual({ RU: 390, UA: 390 });
  });

  it('ends a dispute when a retraction leaves one value', () => {
    const view = viewOf([...december30(), record('report.retracted', { eventId: 'zelensky-189', reason: 'misquoted' })]);
    expect(view.disputes).toEqual([]);
    expect(view.released).toEqual({ RU: 150, UA: 150 });
  });

  it('ends a dispute when a correction brings the values together', () => {
    const view = viewOf([...december30(), record('exchange.completed', { releasedBy: { RU: 150 } }, { source: zelensky })]);
    expect(view.disputes).toEqual([]);
  });

  it('counts only confirmed reports as candidates', () => {
    const view = viewOf([december30()[0]!, record('exchange.completed', { releasedBy: { RU: 189 } }, { source: zelensky, confirmation: 'reported' })]);
    expect(view.disputes).toEqual([]);
    expect(view.released).toEqual({ RU: 150, UA: 150 });
  });

  it('tells a dispute from the bounded table the summary keeps', () => {
    const table = december30()
      .map((e) => (e.type === 'exchange.completed' ? { releasedBy: e.data.releasedBy!, source: e.source } : null)!)
      .reduce(withFigures, {});
    expect(table).toEqual({ 'released.RU': { 'russian ministry of defence': 150, 'office of the president of ukraine': 189 }, 'released.UA': { 'russian ministry of defence': 150 } });
    expect(isDisputed(table)).toBe(true);
    expect(isDisputed(withFigures(table, { releasedBy: { RU: 150 }, source: zelensky }))).toBe(false);
  });
});
