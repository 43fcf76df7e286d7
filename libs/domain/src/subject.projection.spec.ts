import { deepFreeze, recorder } from './event.fixture';
import {
  CONFIRMATIONS,
  evolve,
  initialState,
  replay,
  toView,
  validateReport,
  type RecordedEvent,
  type SubjectState,
  type SubjectView,
} from './index';

/** mulberry32: a tiny seeded generator, so failures reproduce from the seed in the test name. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

const PARTIES = ['UA', 'RU', 'BY'];
const pair = (r: Random) => (r.next() < 0.5 ? ['UA', 'RU'] : ['RU', 'UA']);
const counts = (r: Random) => ({ UA: r.int(500), RU: r.int(500) });

function randomExchangeEvent(r: Random, record: ReturnType<typeof recorder>): RecordedEvent {
  const options = { confirmation: r.pick(CONFIRMATIONS) };
  switch (r.int(8)) {
    case 0:
      return record('exchange.proposed', { parties: pair(r), ...(r.next() < 0.5 ? { releasedBy: counts(r) } : {}) }, options);
    case 1:
      return record(
        'exchange.agreed',
        {
          parties: pair(r),
          ...(r.next() < 0.5 ? { releasedBy: counts(r) } : {}),
          ...(r.next() < 0.3 ? { negotiation: 'negotiation/talks-1' } : {}),
          ...(r.next() < 0.3 ? { mediators: [r.pick(['AE', 'TR', 'QA'])] } : {}),
        },
        options,
      );
    case 2:
      return record('exchange.underway', r.next() < 0.5 ? { location: r.pick(['border', 'Sumy']) } : { expectedDays: 1 + r.int(5) }, options);
    case 3:
      return record('exchange.phase.completed', { phase: 1 + r.int(3), releasedBy: counts(r) }, options);
    case 4:
      return record('exchange.completed', r.next() < 0.5 ? { releasedBy: { UA: r.int(2000), RU: r.int(2000) } } : {}, options);
    case 5:
      return record('exchange.suspended', {}, options);
    case 6:
      return record('exchange.cancelled', {}, options);
    default:
      return record('exchange.details.reported', { mediators: [r.pick(PARTIES)], expectedDays: 1 + r.int(9) }, options);
  }
}

function randomNegotiationEvent(r: Random, record: ReturnType<typeof recorder>): RecordedEvent {
  const options = { confirmation: r.pick(CONFIRMATIONS) };
  const mediator = r.pick(['Vatican', 'TR', 'AE']);
  switch (r.int(8)) {
    case 0:
      return record('negotiation.round.announced', { round: 1 + r.int(3), venue: r.pick(['Istanbul', 'Geneva']) }, options);
    case 1:
      return record('negotiation.round.held', { round: 1 + r.int(3), parties: pair(r), outcome: `outcome ${r.int(9)}` }, options);
    case 2:
      return record('negotiation.mediation.proposed', { mediator, by: 'Donald Trump' }, options);
    case 3:
      return record(r.next() < 0.5 ? 'negotiation.mediation.endorsed' : 'negotiation.mediation.rejected', { mediator, by: 'x', party: 'IT' }, options);
    case 4:
      return record('negotiation.position.stated', { party: r.pick(PARTIES), speaker: 's', quote: `q${r.int(9)}` }, options);
    case 5:
      return record('negotiation.document.announced', { title: 'Memorandum', by: 'RU' }, options);
    case 6:
      return record('negotiation.ceasefire.reported', { status: r.pick(['none', 'proposed', 'agreed', 'violated'] as const) }, options);
    default:
      return record('negotiation.status.reported', { status: r.pick(['stalled', 'collapsed', 'concluded', 'resumed'] as const) }, options);
  }
}

/** A random story: reports, and retractions of random earlier reports placed anywhere after them. */
function randomStory(seed: number, subject: string) {
  const r = random(seed);
  const record = recorder(subject);
  const generate = subject.startsWith('exchange/') ? randomExchangeEvent : randomNegotiationEvent;
  const events: RecordedEvent[] = [];
  const retractedIds = new Set<string>();
  const length = 5 + r.int(25);
  for (let i = 0; i < length; i++) {
    const candidates = events.filter((e) => e.type !== 'report.retracted' && !retractedIds.has(e.id));
    if (candidates.length > 0 && r.next() < 0.2) {
      const target = r.pick(candidates);
      retractedIds.add(target.id);
      events.push(record('report.retracted', { eventId: target.id, reason: 'random' }));
    } else {
      events.push(generate(r, record));
    }
  }
  return { events, retractedIds };
}

/** The view without the bookkeeping that legitimately differs when retractions are in the log. */
function derived(view: SubjectView) {
  const { eventCount: _count, lastRecordedAt: _last, retracted: _retracted, ...rest } = view;
  return rest;
}

const SEEDS = Array.from({ length: 40 }, (_, i) => i + 1);

describe.each(['exchange/prop-test', 'negotiation/prop-test'])('reducers over random stories of %s', (subject) => {
  it.each(SEEDS)('generates only valid reports (seed %i)', (seed) => {
    for (const event of randomStory(seed, subject).events) {
      const { recordedAt: _r, ingestor: _i, position: _p, ...report } = event;
      expect(validateReport(report)).toMatchObject({ ok: true });
    }
  });

  it.each(SEEDS)('survive a JSON round trip of the state between any two events (seed %i)', (seed) => {
    const { events } = randomStory(seed, subject);
    let state: SubjectState = initialState(subject);
    for (const event of events) state = evolve(JSON.parse(JSON.stringify(state)) as SubjectState, event);
    expect(state).toStrictEqual(replay(subject, events));
    expect(JSON.parse(JSON.stringify(toView(state)))).toStrictEqual(toView(state));
  });

  it.each(SEEDS)('treat a retracted report as never recorded (seed %i)', (seed) => {
    const { events, retractedIds } = randomStory(seed, subject);
    const withRetractions = toView(replay(subject, events));
    const neverRecorded = toView(
      replay(
        subject,
        events.filter((e) => e.type !== 'report.retracted' && !retractedIds.has(e.id)),
      ),
    );
    expect(derived(withRetractions)).toStrictEqual(derived(neverRecorded));
    expect(Object.keys(withRetractions.retracted).sort()).toEqual([...retractedIds].sort());
    expect(withRetractions.eventCount).toBe(events.length);
  });

  it.each(SEEDS.slice(0, 10))('never mutate state or event (seed %i)', (seed) => {
    const { events } = randomStory(seed, subject);
    const state = events.reduce<SubjectState>((s, e) => evolve(deepFreeze(s), deepFreeze(e)), initialState(subject));
    expect(state.eventCount).toBe(events.length);
  });
});

describe('initialState', () => {
  it('rejects something that is not a subject', () => {
    expect(() => initialState('exchanges/x')).toThrow(expect.objectContaining({ code: 'invalid_subject' }));
  });
});

describe('lastRecordedAt', () => {
  it('is the latest recordedAt compared as instants, whatever the log order', () => {
    const record = recorder('exchange/clock-test');
    const late = { ...record('exchange.underway', {}), recordedAt: '2025-05-23T12:00:00+02:00' };
    const early = { ...record('exchange.underway', {}), recordedAt: '2025-05-23T09:59:00Z' };
    expect(toView(replay('exchange/clock-test', [late as RecordedEvent, early as RecordedEvent])).lastRecordedAt).toBe(
      '2025-05-23T12:00:00+02:00',
    );
  });
});
