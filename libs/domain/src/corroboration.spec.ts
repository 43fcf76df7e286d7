import * as fc from 'fast-check';
import { independenceKey } from './confirmation';
import { CORROBORATION_LEVELS, corroborationOf, ladderBasesOf, levelOf, type CorroborationLevel } from './corroboration';
import { exchangeViewOf, freshRecorder, recorder, SOURCES } from './event.fixture';
import { EXCHANGE_STATUSES } from './exchange.lifecycle';
import type { ExchangeView } from './exchange.projection';
import type { Confirmation } from './event.catalogue';
import type { RecordedEvent, Source } from './report.schema';

// The sources of the seed story (the May 2025 swap) and of what came after it.
const wire: Source = { name: 'Wire report, 23 May 2025', kind: 'media' };
const trumpSocial: Source = { name: 'Truth Social', kind: 'social', speaker: 'Donald Trump' };
const trumpOfficial: Source = { name: 'The White House', kind: 'official', speaker: 'Donald Trump', party: 'US' };
const military: Source = { name: 'Ukrainian military sources', kind: 'military', party: 'UA' };
const unnamed: Source = { name: 'Unconfirmed reports', kind: 'unnamed' };
const otherUnnamed: Source = { name: 'People familiar with the matter', kind: 'unnamed' };
const { ruMod, uaHq, reutersTass } = SOURCES;
const uae: Source = { name: 'UAE Ministry of Foreign Affairs', kind: 'official', party: 'AE' };
const apTass: Source = { name: 'AP', kind: 'agency', via: 'tass ' };

const SUBJECT = 'exchange/ua-ru-2025-05-1000';
const record = freshRecorder(SUBJECT);

const viewOf = (events: readonly RecordedEvent[]): ExchangeView => exchangeViewOf(SUBJECT, events);

/** The seed story's swap as the article tells it: agreed in Istanbul, Trump's claim, the military's confirmation, the unnamed detail. */
function seedStory(): RecordedEvent[] {
  return [
    record('exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } }, { id: 'swap-agreed', source: wire }),
    record('exchange.completed', {}, { id: 'trump-complete', source: trumpSocial, confirmation: 'claimed' }),
    record('exchange.underway', {}, { id: 'military-underway', source: military }),
    record('exchange.details.reported', { location: 'Ukraine–Belarus border', expectedDays: 3 }, { source: unnamed, confirmation: 'unconfirmed' }),
  ];
}

const phase1 = (source: Source, id: string, confirmation: Confirmation = 'confirmed') =>
  record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 }, date: '2025-05-23' }, { id, source, confirmation });

describe('corroboration ladder', () => {
  describe('levels, on the seed story', () => {
    it('unattributed: only unnamed sources support the stage', () => {
      const view = viewOf([record('exchange.underway', {}, { source: unnamed, confirmation: 'unconfirmed' }), record('exchange.underway', {}, { source: otherUnnamed })]);
      expect(view.corroboration.underway).toMatchObject({ level: 'unattributed', sources: [{ name: unnamed.name }, { name: otherUnnamed.name }] });
    });

    it("single-source: Trump's post says completed, and nothing else does", () => {
      const view = viewOf(seedStory());
      expect(view.corroboration.completed).toEqual({
        level: 'single-source',
        sources: [{ name: 'Truth Social', kind: 'social' }],
        officialParties: [],
        deniedBy: [],
        contested: false,
        eventIds: ['trump-complete'],
      });
    });

    it('multi-source: two independent named sources say it is under way', () => {
      const view = viewOf(seedStory());
      // Trump's "completed" says under way too, and the military sources are another key.
      expect(view.corroboration.underway).toMatchObject({
        level: 'multi-source',
        sources: [{ name: 'Truth Social' }, { name: 'Ukrainian military sources', kind: 'military', party: 'UA' }],
        officialParties: [],
        eventIds: ['trump-complete', 'military-underway'],
      });
    });

    it('one-party: an official statement of one side', () => {
      const view = viewOf([...seedStory(), phase1(ruMod, 'ru-mod-phase-1')]);
      expect(view.corroboration.underway).toMatchObject({ level: 'one-party', officialParties: ['RU'] });
    });

    it('one-party: an official statement of a mediator named in mediators', () => {
      const events = [
        record('exchange.agreed', { parties: ['UA', 'RU'], mediators: ['AE'] }, { source: wire }),
        record('exchange.completed', { releasedBy: { UA: 246, RU: 246 } }, { source: uae }),
      ];
      expect(viewOf(events).corroboration.completed).toMatchObject({ level: 'one-party', officialParties: ['AE'] });
    });

    it('all-parties: official statements of both sides', () => {
      const view = viewOf([...seedStory(), phase1(ruMod, 'ru-mod-phase-1'), phase1(uaHq, 'ua-hq-phase-1')]);
      expect(view.corroboration.underway).toMatchObject({ level: 'all-parties', officialParties: ['RU', 'UA'] });
      // Being under way says it was agreed and proposed too.
      expect(view.corroboration.agreed).toMatchObject({ level: 'all-parties' });
      expect(view.corroboration.proposed).toMatchObject({ level: 'all-parties' });
      expect(view.corroboration.completed).toMatchObject({ level: 'single-source' });
    });
  });

  describe('rules', () => {
    it("never lets Trump's post weigh more than one source, whatever the desk flags it", () => {
      const view = viewOf([record('exchange.completed', {}, { source: trumpSocial, confirmation: 'confirmed' })]);
      expect(view.status).toBe('completed');
      expect(view.corroboration.completed?.level).toBe('single-source');
    });

    it('counts two desks relaying TASS as one source', () => {
      const view = viewOf([record('exchange.underway', {}, { source: reutersTass }), record('exchange.underway', {}, { source: apTass })]);
      expect(view.corroboration.underway).toMatchObject({ level: 'single-source', sources: [{ name: 'Reuters' }, { name: 'AP' }] });
    });

    it('needs a named source among two keys for multi-source', () => {
      const view = viewOf([record('exchange.underway', {}, { source: unnamed }), record('exchange.underway', {}, { source: wire })]);
      expect(view.corroboration.underway?.level).toBe('multi-source');
    });

    it('does not count an official of a country that is neither party nor mediator as a party', () => {
      const view = viewOf([...seedStory(), record('exchange.completed', {}, { source: trumpOfficial })]);
      expect(view.corroboration.completed).toMatchObject({ level: 'multi-source', officialParties: ['US'] });
    });

    it('does not count military sources as an official statement, even naming their side', () => {
      expect(viewOf(seedStory()).corroboration.underway?.officialParties).toEqual([]);
    });

    it('counts a report whatever its desk confirmation, unless denied', () => {
      const view = viewOf([...seedStory(), phase1(ruMod, 'ru-claimed', 'claimed'), phase1(uaHq, 'ua-unconfirmed', 'unconfirmed')]);
      expect(view.corroboration.underway?.level).toBe('all-parties');
      expect(view.status).toBe('underway');
    });

    it('lets halts be supported only by their own events, and never supports them by a later stage', () => {
      const view = viewOf([record('exchange.suspended', {}, { source: ruMod }), record('exchange.completed', {}, { source: wire })]);
      expect(view.corroboration.suspended).toMatchObject({ level: 'single-source', sources: [{ name: ruMod.name }] });
      expect(view.corroboration.agreed?.sources).toEqual([{ name: wire.name, kind: 'media' }]);
      expect(viewOf([record('exchange.suspended', {}, { source: ruMod })]).corroboration.agreed).toBeUndefined();
    });

    it('marks a stage contested by a denial of its own event type, with who denied it', () => {
      const view = viewOf([...seedStory(), record('exchange.completed', {}, { id: 'ru-denies', source: ruMod, confirmation: 'denied' })]);
      expect(view.corroboration.completed).toMatchObject({
        level: 'single-source',
        deniedBy: [{ name: ruMod.name, kind: 'official', party: 'RU' }],
        contested: true,
        eventIds: ['trump-complete', 'ru-denies'],
      });
      // A denial of completion says nothing against being under way.
      expect(view.corroboration.underway?.contested).toBe(false);
    });

    it('does not take a denied phase report as a denial of the exchange being under way', () => {
      const view = viewOf([record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 1 } }, { source: ruMod, confirmation: 'denied' })]);
      expect(view.corroboration).toEqual({});
    });

    it('has no level for a stage that live reports only deny', () => {
      const view = viewOf([record('exchange.cancelled', {}, { source: ruMod, confirmation: 'denied' })]);
      expect(view.corroboration.cancelled).toMatchObject({ level: null, contested: true, sources: [] });
    });

    it('forgets a retracted report', () => {
      const events = [...seedStory(), phase1(ruMod, 'ru-mod-phase-1')];
      const view = viewOf([...events, record('report.retracted', { eventId: 'ru-mod-phase-1', reason: 'misattributed' })]);
      expect(view.corroboration.underway).toMatchObject({ level: 'multi-source', officialParties: [] });
    });

    it('lists stages in lifecycle order', () => {
      const view = viewOf([...seedStory(), record('exchange.suspended', {}, { source: wire })]);
      expect(Object.keys(view.corroboration)).toEqual(['proposed', 'agreed', 'underway', 'completed', 'suspended']);
    });

    it('keeps what a level rests on bounded, however many sources report', () => {
      const claims = Array.from({ length: 50 }, (_, i) => ({ eventId: `e${i}`, status: 'underway' as const, confirmation: 'confirmed' as const, source: { name: `desk ${i}`, kind: 'media' as const } }));
      expect(ladderBasesOf(claims).underway).toEqual({ officialParties: [], keys: ['desk 0', 'desk 1'], named: true });
    });

    it('orders levels from the weakest', () => {
      expect(CORROBORATION_LEVELS).toEqual(['unattributed', 'single-source', 'multi-source', 'one-party', 'all-parties']);
      expect(levelOf(undefined, { parties: [], mediators: [] })).toBeNull();
    });
  });

  describe('properties', () => {
    const SOURCES = [wire, trumpSocial, trumpOfficial, military, unnamed, otherUnnamed, ruMod, uaHq, uae, reutersTass, apTass];
    const STATEMENTS = ['exchange.proposed', 'exchange.underway', 'exchange.phase.completed', 'exchange.completed', 'exchange.suspended', 'exchange.cancelled'] as const;
    const step = fc.record({
      type: fc.constantFrom(...STATEMENTS),
      source: fc.constantFrom(...SOURCES),
      confirmation: fc.constantFrom<Confirmation>('confirmed', 'reported', 'claimed', 'unconfirmed', 'denied'),
    });

    function reportOf(r: ReturnType<typeof recorder>, s: { type: (typeof STATEMENTS)[number]; source: Source; confirmation: Confirmation }): RecordedEvent {
      const opts = { source: s.source, confirmation: s.confirmation };
      switch (s.type) {
        case 'exchange.proposed':
          return r('exchange.proposed', { parties: ['UA', 'RU'] }, opts);
        case 'exchange.phase.completed':
          return r('exchange.phase.completed', { phase: 1, releasedBy: { UA: 10, RU: 10 } }, opts);
        default:
          return r(s.type, {}, opts);
      }
    }

    /** A story whose sides (UA, RU) and mediator (AE) stand fixed, then the reports of the case. */
    function storyOf(steps: readonly (typeof step extends fc.Arbitrary<infer T> ? T : never)[]): RecordedEvent[] {
      const r = recorder(SUBJECT);
      return [r('exchange.details.reported', { mediators: ['AE'] }, { id: 'base' }), r('exchange.agreed', { parties: ['UA', 'RU'] }, { source: wire, id: 'terms' }), ...steps.map((s) => reportOf(r, s))].map(
        (e, i) => (i < 2 ? e : { ...e, id: `report-${i}` }) as RecordedEvent,
      );
    }

    const rank = (level: CorroborationLevel | null | undefined) => (level ? CORROBORATION_LEVELS.indexOf(level) : -1);

    it('a retraction never raises a level', () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), fc.nat(), (steps, pick) => {
          const events = storyOf(steps);
          const target = events[2 + (pick % steps.length)]!;
          const before = viewOf(events).corroboration;
          const retraction = { ...events[events.length - 1]!, id: 'retraction', type: 'report.retracted', data: { eventId: target.id, reason: 'withdrawn' } } as RecordedEvent;
          const after = viewOf([...events, retraction]).corroboration;
          for (const stage of EXCHANGE_STATUSES) expect(rank(after[stage]?.level)).toBeLessThanOrEqual(rank(before[stage]?.level));
        }),
      );
    });

    it('relaying a report again never raises a level', () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), fc.nat(), fc.constantFrom('Reuters', 'AFP', 'Kyiv Independent'), (steps, pick, desk) => {
          const events = storyOf(steps);
          const original = events[2 + (pick % steps.length)]!;
          // Another desk relays it: its own name, citing the original as `via`.
          const relay = { ...original, id: 'relay', source: { ...original.source, name: desk, via: original.source.via ?? original.source.name } } as RecordedEvent;
          expect(independenceKey(relay.source)).toBe(independenceKey(original.source));
          const before = viewOf(events).corroboration;
          const after = viewOf([...events, relay]).corroboration;
          for (const stage of EXCHANGE_STATUSES) expect(rank(after[stage]?.level)).toBeLessThanOrEqual(rank(before[stage]?.level));
        }),
      );
    });

    it('gives the same levels from the bounded bases as from every report', () => {
      fc.assert(
        fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
          const view = viewOf(storyOf(steps));
          const again = corroborationOf(view.claims, { parties: view.parties, mediators: view.mediators?.value ?? [] });
          expect(again).toEqual(view.corroboration);
        }),
      );
    });
  });
});
