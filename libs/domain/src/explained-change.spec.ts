import { freshRecorder, recorder } from './event.fixture';
import {
  evolve,
  explainedChanges,
  initialState,
  statusChanges,
  summarize,
  summaryStatus,
  type ExplainedChange,
  type RecordedEvent,
  type RetractedGist,
  type SubjectState,
} from './index';

const SUBJECT = 'exchange/ua-ru-explained';
const reuters = { name: 'Reuters', kind: 'agency' } as const;
const trump = { name: 'Truth Social', kind: 'social', speaker: 'Donald Trump' } as const;
const military = { name: 'Ukrainian military sources', kind: 'military' } as const;
const mod = { name: 'Russian Ministry of Defence', kind: 'official', party: 'RU' } as const;
const zelensky = { name: 'Volodymyr Zelensky', kind: 'official', party: 'UA' } as const;

/** Each event's changes, stepping full states as the projector's batch step does for a retraction. */
function changesOf(events: readonly RecordedEvent[]): ExplainedChange[][] {
  const byId = new Map(events.map((e) => [e.id, e]));
  let state: SubjectState = initialState(SUBJECT);
  return events.map((e) => {
    const next = evolve(state, e);
    const before = summarize(state);
    const after = summarize(next);
    const target = e.type === 'report.retracted' ? byId.get((e.data as { eventId: string }).eventId) : undefined;
    const retracted: RetractedGist | undefined = target && {
      eventId: target.id,
      reason: (e.data as { reason: string }).reason,
      report: { type: target.type, source: target.source, confirmation: target.confirmation, data: target.data },
    };
    state = next;
    return explainedChanges({
      before,
      after,
      statusBefore: summaryStatus(before),
      statusAfter: summaryStatus(after),
      cause: { eventId: e.id, type: e.type, confirmation: e.confirmation, source: e.source, data: e.data },
      retracted,
    });
  });
}

const record = freshRecorder(SUBJECT);

describe('explained changes', () => {
  it('name the cause, the level of the new stage and why, in plain English', () => {
    const agreed = record('exchange.agreed', { parties: ['UA', 'RU'] }, { source: reuters });
    const claim = record('exchange.completed', {}, { source: trump, confirmation: 'claimed' });
    const [first, second] = changesOf([agreed, claim]);
    expect(first).toEqual([
      {
        id: `${agreed.id}:status`,
        field: 'status',
        from: null,
        to: 'agreed',
        cause: { eventId: agreed.id, type: 'exchange.agreed', confirmation: 'confirmed', source: reuters },
        level: 'single-source',
        reason: 'Status set to agreed: Reuters reported that the exchange was agreed (confirmed).',
      },
      expect.objectContaining({ id: `${agreed.id}:reportedStatus`, field: 'reportedStatus', level: 'single-source' }),
    ]);
    expect(second).toEqual([
      expect.objectContaining({
        field: 'reportedStatus',
        from: 'agreed',
        to: 'completed',
        level: 'single-source',
        reason: 'Reported status moved from agreed to completed: Truth Social reported that the exchange was completed (claimed).',
      }),
    ]);
  });

  it("after a retraction, name the retracted report's source, what it said, who retracted it and why", () => {
    const events = [
      record('exchange.agreed', { parties: ['UA', 'RU'] }, { source: reuters }),
      record('exchange.completed', {}, { source: trump, confirmation: 'claimed' }),
      record('exchange.underway', {}, { source: military }),
    ];
    const retraction = record('report.retracted', { eventId: events[1]!.id, reason: 'premature' }, { source: reuters });
    const changes = changesOf([...events, retraction]);
    expect(changes[3]).toEqual([
      {
        id: `${retraction.id}:reportedStatus`,
        field: 'reportedStatus',
        from: 'completed',
        to: 'underway',
        cause: { eventId: retraction.id, type: 'report.retracted', confirmation: 'confirmed', source: reuters },
        level: 'single-source',
        reason:
          'Reported status moved from completed to underway: the report by Truth Social that the exchange was completed (claimed) ' +
          'was retracted by Reuters: premature.',
      },
    ]);
  });

  it('report a corroboration change when the reportedStatus stage is better or less founded while it stays', () => {
    const events = [
      record('exchange.agreed', { parties: ['UA', 'RU'] }, { source: reuters }),
      record('exchange.underway', {}, { source: military }),
      record('exchange.underway', {}, { source: mod }),
      record('exchange.underway', {}, { source: zelensky }),
    ];
    const changes = changesOf(events);
    expect(changes[2]).toEqual([
      expect.objectContaining({
        id: `${events[2]!.id}:corroboration`,
        field: 'corroboration',
        stage: 'underway',
        from: 'single-source',
        to: 'one-party',
        level: 'one-party',
        reason: 'Corroboration of underway rose from single-source to one-party: Russian Ministry of Defence (RU) reported that the exchange was under way (confirmed).',
      }),
    ]);
    expect(changes[3]).toEqual([expect.objectContaining({ field: 'corroboration', from: 'one-party', to: 'all-parties' })]);
    const retraction = record('report.retracted', { eventId: events[3]!.id, reason: 'misquoted' }, { source: reuters });
    const [fell] = changesOf([...events, retraction]).slice(-1);
    expect(fell).toEqual([
      expect.objectContaining({
        field: 'corroboration',
        from: 'all-parties',
        to: 'one-party',
        reason: expect.stringMatching(/^Corroboration of underway fell from all-parties to one-party: the report by Volodymyr Zelensky \(UA\) .* was retracted by Reuters: misquoted\.$/),
      }),
    ]);
  });

  it('report a dispute opening, changing and ending, with the values and ids per fact', () => {
    const events = [
      record('exchange.agreed', { parties: ['UA', 'RU'] }, { source: reuters }),
      record('exchange.completed', { releasedBy: { RU: 150, UA: 150 } }, { source: mod }),
      record('exchange.completed', { releasedBy: { RU: 189 } }, { source: zelensky }),
      record('exchange.completed', { releasedBy: { RU: 190 } }, { source: zelensky }),
    ];
    const retraction = record('report.retracted', { eventId: events[3]!.id, reason: 'a later count' }, { source: reuters });
    const changes = changesOf([...events, retraction]);
    const disputes = changes.map((cs) => cs.filter((c) => c.field === 'dispute'));
    expect(disputes[2]).toEqual([
      {
        id: `${events[2]!.id}:dispute:released.RU`,
        field: 'dispute',
        fact: 'released.RU',
        from: null,
        to: [150, 189],
        cause: expect.objectContaining({ eventId: events[2]!.id }),
        level: null,
        reason: 'released.RU became disputed (150 vs 189; the lowest, 150, is shown): Volodymyr Zelensky (UA) reported that the exchange was completed with RU 189 released (confirmed).',
      },
    ]);
    expect(disputes[3]).toEqual([expect.objectContaining({ fact: 'released.RU', from: [150, 189], to: [150, 190] })]);
    // The retraction brings the earlier value back: a change, not an end.
    expect(disputes[4]).toEqual([expect.objectContaining({ from: [150, 190], to: [150, 189], reason: expect.stringContaining('was retracted by Reuters: a later count') })]);
    const ended = record('exchange.completed', { releasedBy: { RU: 150 } }, { source: zelensky });
    expect(changesOf([...events.slice(0, 3), ended]).pop()).toEqual([
      expect.objectContaining({ field: 'dispute', fact: 'released.RU', from: [150, 189], to: null, reason: expect.stringMatching(/^The dispute over released\.RU \(150 vs 189\) ended: /) }),
    ]);
  });

  it("give a negotiation's status change no level, and name the round that was held", () => {
    const talks = 'negotiation/ua-ru-explained-talks';
    const held = recorder(talks)('negotiation.round.held', { round: 1, venue: 'Istanbul' }, { source: reuters });
    const before = summarize(initialState(talks));
    const after = summarize(evolve(initialState(talks), held));
    const cause = { eventId: held.id, type: held.type, confirmation: held.confirmation, source: held.source, data: held.data };
    expect(explainedChanges({ before, after, statusBefore: summaryStatus(before), statusAfter: summaryStatus(after), cause })).toEqual([
      expect.objectContaining({
        id: `${held.id}:status`, field: 'status', from: 'scheduled', to: 'active', level: null,
        reason: 'Status moved from scheduled to active: Reuters reported that round 1 was held (confirmed).',
      }),
    ]);
  });

  it('leave the status fields exactly as statusChanges gives them, for a follower of field=status', () => {
    const events = [
      record('exchange.proposed', { parties: ['UA', 'RU'] }, { source: reuters, confirmation: 'reported' }),
      record('exchange.agreed', { parties: ['UA', 'RU'] }, { source: reuters }),
      record('exchange.completed', {}, { source: trump, confirmation: 'claimed' }),
      record('exchange.underway', {}, { source: mod }),
      record('exchange.phase.completed', { phase: 1, releasedBy: { RU: 390, UA: 390 } }, { source: zelensky }),
      record('exchange.suspended', {}, { source: military }),
      record('exchange.completed', {}, { source: mod }),
    ];
    const all = [...events, record('report.retracted', { eventId: events[6]!.id, reason: 'wrong' }, { source: reuters })];
    let state: SubjectState = initialState(SUBJECT);
    const expected = all.map((e) => {
      const next = evolve(state, e);
      const c = statusChanges(summaryStatus(summarize(state)), summaryStatus(summarize(next)));
      state = next;
      return c.map((x) => ({ id: `${e.id}:${x.field}`, field: x.field, from: x.from, to: x.to }));
    });
    const got = changesOf(all).map((cs) =>
      cs.filter((c) => c.field === 'status' || c.field === 'reportedStatus').map(({ id, field, from, to }) => ({ id, field, from, to })),
    );
    expect(got).toEqual(expected);
    expect(got.flat().length).toBeGreaterThan(6);
  });
});
