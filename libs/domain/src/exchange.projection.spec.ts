import { deepFreeze, exchangeViewOf, freshRecorder, recorder } from './event.fixture';
import {
  DomainError,
  evolve,
  initialState,
  negotiationLinkOf,
  statusChanges,
  toView,
  type ExchangeView,
  type RecordedEvent,
} from './index';

const SUBJECT = 'exchange/ua-ru-test';
const trump = { name: 'Truth Social', kind: 'social', speaker: 'Donald Trump' } as const;
const military = { name: 'Ukrainian military sources', kind: 'military' } as const;

const viewOf = (events: readonly RecordedEvent[]): ExchangeView => exchangeViewOf(SUBJECT, events);

const record = freshRecorder(SUBJECT);

describe('exchange view', () => {
  it('starts empty', () => {
    expect(viewOf([])).toEqual({
      subject: SUBJECT,
      id: 'ua-ru-test',
      kind: 'exchange',
      title: null,
      summary: null,
      status: null,
      reportedStatus: null,
      parties: [],
      agreed: null,
      released: {},
      phases: [],
      corroboration: {},
      disputes: [],
      location: null,
      mediators: null,
      expectedDays: null,
      negotiation: null,
      claims: [],
      evidence: { status: null, reportedStatus: null, released: [], negotiation: null, parties: {}, title: null },
      retracted: {},
      eventCount: 0,
      lastRecordedAt: null,
    });
  });

  describe('status and reportedStatus', () => {
    it('takes status from confirmed reports only and reportedStatus from every non-denied one', () => {
      const agreed = record('exchange.agreed', { parties: ['UA', 'RU'] });
      const claimed = record('exchange.completed', {}, { confirmation: 'claimed', source: trump });
      const view = viewOf([agreed, claimed]);
      expect(view.status).toBe('agreed');
      expect(view.reportedStatus).toBe('completed');
      expect(view.evidence).toMatchObject({ status: agreed.id, reportedStatus: claimed.id });
    });

    it('is null while nothing is confirmed', () => {
      const view = viewOf([record('exchange.underway', {}, { confirmation: 'unconfirmed' })]);
      expect(view).toMatchObject({ status: null, reportedStatus: 'underway' });
    });

    it('never moves back for a late report of an earlier stage', () => {
      const view = viewOf([
        record('exchange.underway', {}),
        record('exchange.agreed', { parties: ['UA', 'RU'] }),
        record('exchange.proposed', { parties: ['UA', 'RU'] }, { confirmation: 'reported' }),
      ]);
      expect(view).toMatchObject({ status: 'underway', reportedStatus: 'underway' });
      expect(view.evidence.status).toBe('ua-ru-test-1');
    });

    it('ignores denied reports for both fields', () => {
      const view = viewOf([
        record('exchange.agreed', { parties: ['UA', 'RU'] }),
        record('exchange.completed', {}, { confirmation: 'denied' }),
        record('exchange.cancelled', {}, { confirmation: 'denied' }),
      ]);
      expect(view).toMatchObject({ status: 'agreed', reportedStatus: 'agreed' });
    });

    it('is suspended by a suspension until a later underway moves it on', () => {
      const suspended = [
        record('exchange.agreed', { parties: ['UA', 'RU'] }),
        record('exchange.underway', {}),
        record('exchange.suspended', { reason: 'shelling near the crossing' }),
      ];
      expect(viewOf(suspended)).toMatchObject({ status: 'suspended', reportedStatus: 'suspended' });
      const resumed = [...suspended, record('exchange.underway', {})];
      expect(viewOf(resumed)).toMatchObject({ status: 'underway', reportedStatus: 'underway' });
      expect(viewOf(resumed).evidence.status).toBe('ua-ru-test-2');
    });

    it('stays suspended when the underway report came before the suspension', () => {
      const view = viewOf([
        record('exchange.underway', {}),
        record('exchange.suspended', {}),
      ]);
      expect(view.status).toBe('suspended');
    });

    it('is not moved on by a later agreed or proposed report', () => {
      const view = viewOf([
        record('exchange.suspended', {}),
        record('exchange.agreed', { parties: ['UA', 'RU'] }),
        record('exchange.proposed', { parties: ['UA', 'RU'] }),
      ]);
      expect(view).toMatchObject({ status: 'suspended', reportedStatus: 'suspended' });
    });

    it('returns to the best stage reached, not to the stage that moved it on', () => {
      const view = viewOf([
        record('exchange.completed', {}),
        record('exchange.suspended', {}),
        record('exchange.underway', {}),
      ]);
      expect(view.status).toBe('completed');
    });

    it('moves each field on only with reports that count for that field', () => {
      const view = viewOf([
        record('exchange.underway', {}),
        record('exchange.suspended', {}),
        record('exchange.underway', {}, { confirmation: 'unconfirmed' }),
      ]);
      expect(view).toMatchObject({ status: 'suspended', reportedStatus: 'underway' });
    });

    it('lets an unconfirmed suspension change only reportedStatus', () => {
      const view = viewOf([record('exchange.underway', {}), record('exchange.suspended', {}, { confirmation: 'reported' })]);
      expect(view).toMatchObject({ status: 'underway', reportedStatus: 'suspended' });
    });

    it('is cancelled by a cancellation, and the latest halt wins', () => {
      const cancelled = viewOf([
        record('exchange.agreed', { parties: ['UA', 'RU'] }),
        record('exchange.suspended', {}),
        record('exchange.cancelled', { reason: 'talks broke down' }),
      ]);
      expect(cancelled).toMatchObject({ status: 'cancelled', reportedStatus: 'cancelled' });
      expect(cancelled.evidence.status).toBe('ua-ru-test-3');
    });

    it('moves on from cancelled with a later completed report', () => {
      const view = viewOf([
        record('exchange.agreed', { parties: ['UA', 'RU'] }),
        record('exchange.cancelled', {}),
        record('exchange.completed', {}),
      ]);
      expect(view.status).toBe('completed');
    });
  });

  describe('a phase released (fix)', () => {
    it('counts a confirmed phase as the exchange under way, for status, reportedStatus and claims', () => {
      const events = [
        record('exchange.agreed', { parties: ['UA', 'RU'] }),
        record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }),
        record('exchange.phase.completed', { phase: 2, releasedBy: { UA: 307, RU: 307 } }, { confirmation: 'reported' }),
      ];
      const view = viewOf(events);
      expect([view.status, view.reportedStatus]).toEqual(['underway', 'underway']);
      expect(view.evidence.status).toBe(events[1]!.id);
      expect(view.claims.filter((c) => c.phase !== undefined).map((c) => [c.status, c.phase, c.confirmation])).toEqual([
        ['underway', 1, 'confirmed'],
        ['underway', 2, 'reported'],
      ]);
    });

    it('moves a suspended exchange on when a phase is released, and never counts a denied phase', () => {
      expect(viewOf([record('exchange.suspended', {}), record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 1 } })]).status).toBe('underway');
      const denied = viewOf([record('exchange.agreed', { parties: ['UA', 'RU'] }), record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 1 } }, { confirmation: 'denied' })]);
      expect([denied.status, denied.reportedStatus]).toEqual(['agreed', 'agreed']);
    });
  });

  describe('claims', () => {
    it('lists every live status-stating report with its source and confirmation, denied ones too', () => {
      const events = [
        record('exchange.agreed', { parties: ['UA', 'RU'] }, { occurredAt: '2025-05-16' }),
        record('exchange.completed', {}, { confirmation: 'claimed', source: trump }),
        record('exchange.underway', { location: 'border' }, { source: military }),
        record('exchange.details.reported', { expectedDays: 3 }, { confirmation: 'unconfirmed' }),
        record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 10, RU: 10 } }),
        record('exchange.cancelled', {}, { confirmation: 'denied' }),
      ];
      expect(viewOf(events).claims).toEqual([
        {
          eventId: events[0]!.id,
          status: 'agreed',
          confirmation: 'confirmed',
          source: { name: 'Test wire', kind: 'agency' },
          recordedAt: '2025-05-23T08:00:00.000Z',
          occurredAt: '2025-05-16',
        },
        { eventId: events[1]!.id, status: 'completed', confirmation: 'claimed', source: trump, recordedAt: '2025-05-23T08:01:00.000Z' },
        { eventId: events[2]!.id, status: 'underway', confirmation: 'confirmed', source: military, recordedAt: '2025-05-23T08:02:00.000Z' },
        {
          eventId: events[4]!.id,
          status: 'underway',
          phase: 1,
          confirmation: 'confirmed',
          source: { name: 'Test wire', kind: 'agency' },
          recordedAt: '2025-05-23T08:04:00.000Z',
        },
        {
          eventId: events[5]!.id,
          status: 'cancelled',
          confirmation: 'denied',
          source: { name: 'Test wire', kind: 'agency' },
          recordedAt: '2025-05-23T08:05:00.000Z',
        },
      ]);
    });
  });

  describe('released and phases', () => {
    it('sums confirmed phases, one per phase number', () => {
      const view = viewOf([
        record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 }, date: '2025-05-23' }),
        record('exchange.phase.completed', { phase: 2, releasedBy: { UA: 307, RU: 307 } }),
        record('exchange.phase.completed', { phase: 3, releasedBy: { UA: 303, RU: 303 } }, { confirmation: 'reported' }),
      ]);
      expect(view.released).toEqual({ RU: 697, UA: 697 });
      expect(view.phases).toEqual([
        { phase: 1, releasedBy: { UA: 390, RU: 390 }, date: '2025-05-23', eventId: 'ua-ru-test-1' },
        { phase: 2, releasedBy: { UA: 307, RU: 307 }, eventId: 'ua-ru-test-2' },
      ]);
      expect(view.evidence.released).toEqual(['ua-ru-test-1', 'ua-ru-test-2']);
    });

    it('replaces a phase by a later confirmed report of the same phase', () => {
      const view = viewOf([
        record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }),
        record('exchange.phase.completed', { phase: 2, releasedBy: { UA: 300, RU: 300 } }),
        record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 392, RU: 391 } }),
      ]);
      expect(view.released).toEqual({ RU: 691, UA: 692 });
      expect(view.phases.map((p) => p.eventId)).toEqual(['ua-ru-test-3', 'ua-ru-test-2']);
    });

    it('uses a confirmed completion total when its grand total is larger', () => {
      const view = viewOf([
        record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }),
        record('exchange.completed', { releasedBy: { UA: 1000, RU: 1000 } }),
      ]);
      expect(view.released).toEqual({ RU: 1000, UA: 1000 });
      expect(view.evidence.released).toEqual(['ua-ru-test-2']);
      expect(view.phases).toHaveLength(1);
    });

    it('keeps the phases when a total is not larger, or not confirmed', () => {
      const phases = [
        record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 500, RU: 500 } }),
        record('exchange.phase.completed', { phase: 2, releasedBy: { UA: 500, RU: 500 } }),
      ];
      expect(viewOf([...phases, record('exchange.completed', { releasedBy: { UA: 1000, RU: 1000 } })]).evidence.released).toEqual([
        'ua-ru-test-1',
        'ua-ru-test-2',
      ]);
      const claimedTotal = record('exchange.completed', { releasedBy: { UA: 5000, RU: 5000 } }, { confirmation: 'claimed' });
      expect(viewOf([...phases, claimedTotal]).released).toEqual({ RU: 1000, UA: 1000 });
    });
  });

  describe('agreed numbers', () => {
    it('come from the latest exchange.agreed carrying releasedBy', () => {
      const view = viewOf([
        record('exchange.proposed', { parties: ['UA', 'RU'], releasedBy: { UA: 500, RU: 500 } }),
        record('exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } }, { confirmation: 'reported' }),
        record('exchange.agreed', { parties: ['UA', 'RU'] }),
        record('exchange.proposed', { parties: ['UA', 'RU'], releasedBy: { UA: 1200, RU: 1200 } }),
      ]);
      expect(view.agreed).toEqual({
        stage: 'agreed',
        releasedBy: { UA: 1000, RU: 1000 },
        eventId: 'ua-ru-test-2',
        confirmation: 'reported',
      });
    });

    it('come from the latest proposal before any agreement', () => {
      const view = viewOf([
        record('exchange.proposed', { parties: ['UA', 'RU'], releasedBy: { UA: 500, RU: 500 } }),
        record('exchange.proposed', { parties: ['UA', 'RU'], releasedBy: { UA: 600, RU: 600 } }, { confirmation: 'claimed' }),
      ]);
      expect(view.agreed).toMatchObject({ stage: 'proposed', releasedBy: { UA: 600, RU: 600 }, confirmation: 'claimed' });
    });

    it('ignore denied agreements', () => {
      const view = viewOf([
        record('exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } }),
        record('exchange.agreed', { parties: ['UA', 'BY'], releasedBy: { UA: 9, BY: 9 } }, { confirmation: 'denied' }),
      ]);
      expect(view.agreed?.releasedBy).toEqual({ UA: 1000, RU: 1000 });
      expect(view.parties).toEqual(['RU', 'UA']);
    });
  });

  describe('location, mediators, expectedDays', () => {
    it('come from the latest live report setting each, with its confirmation and source', () => {
      const view = viewOf([
        record('exchange.agreed', { parties: ['UA', 'RU'], mediators: ['AE'] }),
        record('exchange.underway', { location: 'Sumy region' }, { source: military }),
        record('exchange.details.reported', { location: 'Ukraine–Belarus border', expectedDays: 3 }, { confirmation: 'unconfirmed' }),
      ]);
      expect(view.location).toEqual({
        value: 'Ukraine–Belarus border',
        confirmation: 'unconfirmed',
        eventId: 'ua-ru-test-3',
        source: { name: 'Test wire', kind: 'agency' },
      });
      expect(view.expectedDays).toMatchObject({ value: 3, confirmation: 'unconfirmed' });
      expect(view.mediators).toMatchObject({ value: ['AE'], confirmation: 'confirmed', eventId: 'ua-ru-test-1' });
    });

    it('are not set by denied reports', () => {
      const view = viewOf([
        record('exchange.underway', { location: 'Sumy region' }),
        record('exchange.details.reported', { location: 'Crimea', mediators: ['QA'] }, { confirmation: 'denied' }),
        record('exchange.underway', { expectedDays: 9 }, { confirmation: 'denied' }),
      ]);
      expect(view.location?.value).toBe('Sumy region');
      expect(view.mediators).toBeNull();
      expect(view.expectedDays).toBeNull();
    });
  });

  describe('negotiation and parties', () => {
    it('link the exchange to the negotiation it was agreed in', () => {
      const agreed = record('exchange.agreed', {
        parties: ['UA', 'RU'],
        negotiation: 'negotiation/ua-ru-istanbul-2025',
      });
      expect(viewOf([agreed]).negotiation).toBe('negotiation/ua-ru-istanbul-2025');
      expect(negotiationLinkOf(agreed)).toEqual({ negotiation: 'negotiation/ua-ru-istanbul-2025', exchange: SUBJECT });
    });

    it('do not link denied agreements or other events', () => {
      const denied = record('exchange.agreed', { parties: ['UA', 'RU'], negotiation: 'negotiation/x1' }, { confirmation: 'denied' });
      expect(negotiationLinkOf(denied)).toBeNull();
      expect(viewOf([denied]).negotiation).toBeNull();
      expect(negotiationLinkOf(record('exchange.agreed', { parties: ['UA', 'RU'] }))).toBeNull();
      expect(negotiationLinkOf(record('exchange.underway', {}))).toBeNull();
    });

    it('lists parties named in parties and releasedBy, sorted', () => {
      const view = viewOf([
        record('exchange.proposed', { parties: ['UA', 'RU'] }),
        record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 1, BY: 1 } }, { confirmation: 'unconfirmed' }),
      ]);
      expect(view.parties).toEqual(['BY', 'RU', 'UA']);
      expect(view.evidence.parties).toEqual({ BY: ['ua-ru-test-2'], RU: ['ua-ru-test-1'], UA: ['ua-ru-test-1', 'ua-ru-test-2'] });
    });

    it('name the reports behind the negotiation and the parties, and forget retracted ones', () => {
      const first = record('exchange.agreed', { parties: ['UA', 'RU'], negotiation: 'negotiation/talks-1' });
      const second = record('exchange.agreed', { parties: ['UA', 'BY'], negotiation: 'negotiation/talks-2' });
      expect(viewOf([first, second]).evidence).toMatchObject({
        negotiation: second.id,
        parties: { BY: [second.id], RU: [first.id], UA: [first.id, second.id] },
      });
      const retracted = viewOf([first, second, record('report.retracted', { eventId: second.id, reason: 'wrong talks' })]);
      expect(retracted.evidence).toMatchObject({ negotiation: first.id, parties: { RU: [first.id], UA: [first.id] } });
    });
  });

  describe('retractions', () => {
    it('bring back the earlier report of a phase', () => {
      const first = record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } });
      const correction = record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 39, RU: 39 } });
      const retraction = record('report.retracted', { eventId: correction.id, reason: 'typo in the count' });
      const view = viewOf([first, correction, retraction]);
      expect(view.released).toEqual({ RU: 390, UA: 390 });
      expect(view.phases).toEqual([{ phase: 1, releasedBy: { UA: 390, RU: 390 }, eventId: first.id }]);
      expect(view.retracted).toEqual({ [correction.id]: { by: retraction.id, reason: 'typo in the count' } });
    });

    it('bring a status back', () => {
      const underway = record('exchange.underway', {});
      const completed = record('exchange.completed', { releasedBy: { UA: 1000, RU: 1000 } });
      const view = viewOf([underway, completed, record('report.retracted', { eventId: completed.id, reason: 'premature' })]);
      expect(view).toMatchObject({ status: 'underway', reportedStatus: 'underway', released: {} });
      expect(view.claims.map((c) => c.eventId)).toEqual([underway.id]);
    });

    it('bring earlier agreed numbers back', () => {
      const first = record('exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } });
      const second = record('exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 100, RU: 100 } });
      const view = viewOf([first, second, record('report.retracted', { eventId: second.id, reason: 'wrong story' })]);
      expect(view.agreed).toMatchObject({ eventId: first.id, releasedBy: { UA: 1000, RU: 1000 } });
    });

    it('work in the middle of the story: later reports still apply', () => {
      const suspended = record('exchange.suspended', {});
      const events = [
        record('exchange.agreed', { parties: ['UA', 'RU'] }),
        record('exchange.underway', {}),
        suspended,
        record('report.retracted', { eventId: suspended.id, reason: 'misattributed' }),
        record('exchange.agreed', { parties: ['UA', 'RU'] }, { confirmation: 'reported' }),
        record('exchange.details.reported', { location: 'border' }),
      ];
      const view = viewOf(events);
      expect(view).toMatchObject({ status: 'underway', reportedStatus: 'underway', location: { value: 'border' } });
      expect(view.eventCount).toBe(6);
      expect(view.lastRecordedAt).toBe('2025-05-23T08:05:00.000Z');
    });

    it('of an event the state never saw are recorded and change nothing else', () => {
      const underway = record('exchange.underway', {});
      const before = viewOf([underway]);
      const after = viewOf([underway, record('report.retracted', { eventId: 'elsewhere-1', reason: 'x' })]);
      expect(after).toEqual({
        ...before,
        retracted: { 'elsewhere-1': { by: 'ua-ru-test-2', reason: 'x' } },
        eventCount: 2,
        lastRecordedAt: '2025-05-23T08:01:00.000Z',
      });
    });

    it('of a retraction are ignored', () => {
      const completed = record('exchange.completed', {});
      const retraction = record('report.retracted', { eventId: completed.id, reason: 'premature' });
      const view = viewOf([completed, retraction, record('report.retracted', { eventId: retraction.id, reason: 'undo' })]);
      expect(view.status).toBeNull();
      expect(view.retracted).toEqual({ [completed.id]: { by: retraction.id, reason: 'premature' } });
      expect(view.eventCount).toBe(3);
    });

    it('of an already retracted event are ignored: the first one stands', () => {
      const completed = record('exchange.completed', {});
      const first = record('report.retracted', { eventId: completed.id, reason: 'first' });
      const view = viewOf([completed, first, record('report.retracted', { eventId: completed.id, reason: 'second' })]);
      expect(view.retracted).toEqual({ [completed.id]: { by: first.id, reason: 'first' } });
    });

    it('make an event that arrives after its retraction count as never recorded', () => {
      const retraction = record('report.retracted', { eventId: 'ua-ru-test-2', reason: 'bogus' });
      const view = viewOf([retraction, record('exchange.completed', {})]);
      expect(view).toMatchObject({ status: null, claims: [], eventCount: 2 });
    });
  });

  describe('evolve', () => {
    it('does not mutate its inputs', () => {
      let state = initialState(SUBJECT);
      const events = [
        record('exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 1, RU: 1 }, mediators: ['AE'] }),
        record('exchange.underway', { location: 'border', expectedDays: 2 }),
        record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 1, RU: 1 } }),
        record('exchange.completed', { releasedBy: { UA: 1, RU: 1 } }),
        record('report.retracted', { eventId: 'ua-ru-test-3', reason: 'x' }),
      ];
      for (const event of events) state = evolve(deepFreeze(state), deepFreeze(event));
      expect(toView(state)).toMatchObject({ status: 'completed', released: { RU: 1, UA: 1 } });
    });

    it('rejects an event of another subject', () => {
      const other = recorder('exchange/other')('exchange.underway', {});
      expect(() => evolve(initialState(SUBJECT), other)).toThrow(DomainError);
      try {
        evolve(initialState(SUBJECT), other);
      } catch (error) {
        expect(error).toMatchObject({ code: 'subject_mismatch', details: { expected: SUBJECT, actual: 'exchange/other' } });
      }
    });

    it('rejects a negotiation event that bypassed validation', () => {
      const wrong = { ...record('exchange.underway', {}), type: 'negotiation.status.reported', data: { status: 'stalled' } };
      expect(() => evolve(initialState(SUBJECT), wrong as RecordedEvent)).toThrow(
        expect.objectContaining({ code: 'event_kind_mismatch' }),
      );
    });

    it('rejects an unknown type that bypassed validation', () => {
      const wrong = { ...record('exchange.underway', {}), type: 'exchange.teleported' };
      expect(() => evolve(initialState(SUBJECT), wrong as unknown as RecordedEvent)).toThrow(
        expect.objectContaining({ code: 'unknown_event_type', details: { type: 'exchange.teleported' } }),
      );
    });
  });

  describe('statusChanges', () => {
    it('reports each status field that changed', () => {
      const initial = toView(initialState(SUBJECT));
      const agreed = evolve(initialState(SUBJECT), record('exchange.agreed', { parties: ['UA', 'RU'] }));
      expect(statusChanges(initial, toView(agreed))).toEqual([
        { field: 'status', from: null, to: 'agreed' },
        { field: 'reportedStatus', from: null, to: 'agreed' },
      ]);
      const claimed = evolve(agreed, record('exchange.completed', {}, { confirmation: 'claimed' }));
      expect(statusChanges(toView(agreed), toView(claimed))).toEqual([{ field: 'reportedStatus', from: 'agreed', to: 'completed' }]);
      expect(statusChanges(toView(claimed), toView(claimed))).toEqual([]);
    });

    it('refuses to compare different subjects', () => {
      expect(() => statusChanges(toView(initialState(SUBJECT)), toView(initialState('exchange/other')))).toThrow(
        expect.objectContaining({ code: 'view_mismatch' }),
      );
    });
  });
});
