import { recorder } from './event.fixture';
import { evolve, initialState, replay, statusChanges, toView, type NegotiationView, type RecordedEvent } from './index';

const SUBJECT = 'negotiation/ua-ru-test';
const lavrov = { name: 'Russian foreign ministry', kind: 'official', speaker: 'Sergei Lavrov' } as const;

function viewOf(events: readonly RecordedEvent[]): NegotiationView {
  const view = toView(replay(SUBJECT, events));
  if (view.kind !== 'negotiation') throw new Error('expected a negotiation view');
  return view;
}

let record: ReturnType<typeof recorder>;
beforeEach(() => {
  record = recorder(SUBJECT);
});

describe('negotiation view', () => {
  it('starts scheduled and empty', () => {
    expect(viewOf([])).toEqual({
      subject: SUBJECT,
      id: 'ua-ru-test',
      kind: 'negotiation',
      title: null,
      summary: null,
      status: 'scheduled',
      rounds: [],
      mediation: [],
      positions: [],
      documents: [],
      ceasefire: null,
      parties: [],
      claims: [],
      evidence: { status: null, parties: {}, title: null },
      retracted: {},
      eventCount: 0,
      lastRecordedAt: null,
    });
  });

  describe('rounds', () => {
    it('go from announced to held, and the negotiation from scheduled to active', () => {
      const announced = record('negotiation.round.announced', { round: 1, venue: 'Istanbul', scheduledFor: '2025-05-15' });
      expect(viewOf([announced])).toMatchObject({
        status: 'scheduled',
        rounds: [{ round: 1, state: 'announced', venue: 'Istanbul', scheduledFor: '2025-05-15', eventIds: [announced.id] }],
      });
      const held = record('negotiation.round.held', {
        round: 1,
        venue: 'Dolmabahçe Palace, Istanbul',
        date: '2025-05-16',
        delegationLevel: 'low-level',
        parties: ['UA', 'RU'],
      });
      const view = viewOf([announced, held]);
      expect(view.status).toBe('active');
      expect(view.evidence.status).toBe(held.id);
      expect(view.rounds).toEqual([
        {
          round: 1,
          state: 'held',
          venue: 'Dolmabahçe Palace, Istanbul',
          scheduledFor: '2025-05-15',
          date: '2025-05-16',
          delegationLevel: 'low-level',
          parties: ['UA', 'RU'],
          confirmation: 'confirmed',
          eventIds: [announced.id, held.id],
        },
      ]);
    });

    it('carry the strongest confirmation of their live reports (§7.5)', () => {
      const claimed = record('negotiation.round.announced', { round: 2 }, { confirmation: 'claimed' });
      const reported = record('negotiation.round.announced', { round: 2, venue: 'Istanbul' }, { confirmation: 'reported' });
      const denied = record('negotiation.round.held', { round: 2 }, { confirmation: 'denied' });
      expect(viewOf([claimed, reported, denied]).rounds[0]).toMatchObject({ state: 'announced', confirmation: 'reported' });
      const unconfirmed = record('negotiation.round.held', { round: 2 }, { confirmation: 'unconfirmed' });
      expect(viewOf([claimed, unconfirmed]).rounds[0]).toMatchObject({ state: 'held', confirmation: 'claimed' });
      expect(viewOf([claimed, reported, record('report.retracted', { eventId: reported.id, reason: 'x' })]).rounds[0]?.confirmation).toBe('claimed');
    });

    it('take the occurredAt of a held report as the date when no report gives one (§7.5)', () => {
      const held = record('negotiation.round.held', { round: 1 }, { occurredAt: '2025-05-16' });
      expect(viewOf([held]).rounds[0]).toMatchObject({ date: '2025-05-16' });
      const dated = record('negotiation.round.held', { round: 1, date: '2025-05-15' });
      const later = record('negotiation.round.held', { round: 1 }, { occurredAt: '2025-05-17' });
      expect(viewOf([dated, later]).rounds[0]).toMatchObject({ date: '2025-05-15' });
      const announced = record('negotiation.round.announced', { round: 3 }, { occurredAt: '2025-05-20' });
      expect(viewOf([announced]).rounds[0]).not.toHaveProperty('date');
    });

    it('never go back from held to announced', () => {
      const view = viewOf([
        record('negotiation.round.held', { round: 1, venue: 'Istanbul' }),
        record('negotiation.round.announced', { round: 1, venue: 'Geneva', agenda: ['late press release'] }),
      ]);
      expect(view.rounds[0]).toMatchObject({ state: 'held', venue: 'Istanbul', agenda: ['late press release'] });
    });

    it('are keyed and sorted by number', () => {
      const view = viewOf([
        record('negotiation.round.announced', { round: 2 }),
        record('negotiation.round.held', { round: 1 }),
      ]);
      expect(view.rounds.map((r) => [r.round, r.state])).toEqual([
        [1, 'held'],
        [2, 'announced'],
      ]);
    });

    it('go back to announced, and the status to scheduled, when the held report is retracted', () => {
      const held = record('negotiation.round.held', { round: 1 });
      const view = viewOf([
        record('negotiation.round.announced', { round: 1 }),
        held,
        record('report.retracted', { eventId: held.id, reason: 'the meeting was postponed' }),
      ]);
      expect(view).toMatchObject({ status: 'scheduled', rounds: [{ round: 1, state: 'announced' }] });
    });
  });

  describe('status', () => {
    const held = () => record('negotiation.round.held', { round: 1 });

    it.each([
      ['stalled', 'stalled'],
      ['collapsed', 'collapsed'],
      ['concluded', 'concluded'],
      ['resumed', 'active'],
    ] as const)('follows a %s report', (reported, expected) => {
      const view = viewOf([held(), record('negotiation.status.reported', { status: reported })]);
      expect(view.status).toBe(expected);
    });

    it('is whatever the latest status report says', () => {
      const events = [
        held(),
        record('negotiation.status.reported', { status: 'stalled' }),
        record('negotiation.status.reported', { status: 'resumed' }, { confirmation: 'reported' }),
        record('negotiation.status.reported', { status: 'concluded' }, { confirmation: 'claimed' }),
      ];
      expect(viewOf(events.slice(0, 2)).status).toBe('stalled');
      expect(viewOf(events.slice(0, 3)).status).toBe('active');
      expect(viewOf(events)).toMatchObject({ status: 'concluded', evidence: { status: events[3]!.id } });
      expect(viewOf(events).claims.map((c) => [c.status, c.confirmation])).toEqual([
        ['stalled', 'confirmed'],
        ['resumed', 'reported'],
        ['concluded', 'claimed'],
      ]);
    });

    it('follows a status report even before any round is held', () => {
      expect(viewOf([record('negotiation.status.reported', { status: 'collapsed' })]).status).toBe('collapsed');
    });

    it('goes back to the previous status report when the latest is retracted', () => {
      const stalled = record('negotiation.status.reported', { status: 'stalled' });
      expect(viewOf([held(), stalled, record('report.retracted', { eventId: stalled.id, reason: 'x' })]).status).toBe('active');
    });

    it('feeds status changes', () => {
      const before = evolve(initialState(SUBJECT), record('negotiation.round.announced', { round: 1 }));
      const after = evolve(before, held());
      expect(statusChanges(toView(before), toView(after))).toEqual([{ field: 'status', from: 'scheduled', to: 'active' }]);
    });
  });

  describe('mediation', () => {
    it('is keyed by mediator with who proposed, endorsed and rejected it', () => {
      const events = [
        record('negotiation.mediation.proposed', { mediator: 'Vatican', by: 'Donald Trump' }, { confirmation: 'reported' }),
        record('negotiation.mediation.proposed', { mediator: 'TR', by: 'Recep Tayyip Erdoğan' }),
        record('negotiation.mediation.endorsed', { mediator: 'Vatican', by: 'Giorgia Meloni', party: 'IT' }),
        record('negotiation.mediation.rejected', { mediator: 'Vatican', by: 'Sergei Lavrov', party: 'RU' }, { source: lavrov }),
      ];
      expect(viewOf(events).mediation).toEqual([
        {
          mediator: 'Vatican',
          confirmation: 'confirmed',
          proposedBy: [{ by: 'Donald Trump', eventId: events[0]!.id, confirmation: 'reported' }],
          endorsedBy: [{ by: 'Giorgia Meloni', party: 'IT', eventId: events[2]!.id, confirmation: 'confirmed' }],
          rejectedBy: [{ by: 'Sergei Lavrov', party: 'RU', eventId: events[3]!.id, confirmation: 'confirmed' }],
        },
        {
          mediator: 'TR',
          confirmation: 'confirmed',
          proposedBy: [{ by: 'Recep Tayyip Erdoğan', eventId: events[1]!.id, confirmation: 'confirmed' }],
          endorsedBy: [],
          rejectedBy: [],
        },
      ]);
    });

    it('carries the strongest confirmation among the live reports about the mediator (§7.5)', () => {
      const proposed = record('negotiation.mediation.proposed', { mediator: 'Vatican', by: 'Donald Trump' }, { confirmation: 'claimed' });
      const endorsed = record('negotiation.mediation.endorsed', { mediator: 'Vatican', by: 'Giorgia Meloni', party: 'IT' }, { confirmation: 'reported' });
      expect(viewOf([proposed]).mediation[0]?.confirmation).toBe('claimed');
      expect(viewOf([proposed, endorsed]).mediation[0]).toMatchObject({ confirmation: 'reported', endorsedBy: [{ by: 'Giorgia Meloni', confirmation: 'reported' }] });
      const rejected = record('negotiation.mediation.rejected', { mediator: 'Vatican', by: 'Sergei Lavrov', party: 'RU' }, { confirmation: 'unconfirmed' });
      expect(viewOf([proposed, endorsed, rejected]).mediation[0]?.confirmation).toBe('reported');
    });

    it('drops a mediator whose only report is retracted', () => {
      const proposal = record('negotiation.mediation.proposed', { mediator: 'Vatican', by: 'Donald Trump' });
      expect(viewOf([proposal, record('report.retracted', { eventId: proposal.id, reason: 'x' })]).mediation).toEqual([]);
    });
  });

  describe('ceasefire, positions, documents, parties', () => {
    it('takes the ceasefire from the latest live report, and the earlier one back on retraction', () => {
      const none = record('negotiation.ceasefire.reported', { status: 'none' });
      const proposed = record('negotiation.ceasefire.reported', { status: 'proposed' }, { confirmation: 'claimed' });
      expect(viewOf([none, proposed]).ceasefire).toEqual({
        status: 'proposed',
        confirmation: 'claimed',
        eventId: proposed.id,
        source: { name: 'Test wire', kind: 'agency' },
      });
      const view = viewOf([none, proposed, record('report.retracted', { eventId: proposed.id, reason: 'x' })]);
      expect(view.ceasefire?.status).toBe('none');
    });

    it('lists positions and documents, and the parties behind them', () => {
      const view = viewOf([
        record('negotiation.position.stated', { party: 'RU', speaker: 'Sergei Lavrov', quote: 'First, we need to have a deal.' }, {
          source: lavrov,
          occurredAt: '2025-05-23',
        }),
        record('negotiation.document.announced', { title: 'Memorandum', by: 'RU', round: 2 }),
        record('negotiation.round.held', { round: 1, parties: ['UA', 'RU', 'TR'] }),
        record('negotiation.mediation.endorsed', { mediator: 'Vatican', by: 'Giorgia Meloni', party: 'IT' }),
      ]);
      expect(view.positions).toEqual([
        {
          eventId: 'ua-ru-test-1',
          party: 'RU',
          speaker: 'Sergei Lavrov',
          quote: 'First, we need to have a deal.',
          confirmation: 'confirmed',
          source: lavrov,
          occurredAt: '2025-05-23',
        },
      ]);
      expect(view.documents).toEqual([
        { eventId: 'ua-ru-test-2', title: 'Memorandum', by: 'RU', round: 2, confirmation: 'confirmed', source: { name: 'Test wire', kind: 'agency' } },
      ]);
      expect(view.parties).toEqual(['RU', 'TR', 'UA']);
      expect(view.evidence.parties).toEqual({ RU: ['ua-ru-test-3', 'ua-ru-test-1', 'ua-ru-test-2'], TR: ['ua-ru-test-3'], UA: ['ua-ru-test-3'] });
    });
  });

  describe('denied reports', () => {
    it('count for nothing; denied status reports are listed in claims only', () => {
      const denied = { confirmation: 'denied' } as const;
      const view = viewOf([
        record('negotiation.round.announced', { round: 1 }),
        record('negotiation.round.held', { round: 1, parties: ['UA', 'RU'] }, denied),
        record('negotiation.mediation.proposed', { mediator: 'Vatican', by: 'Donald Trump' }, denied),
        record('negotiation.position.stated', { party: 'UA', speaker: 'x', quote: 'y' }, denied),
        record('negotiation.document.announced', { title: 'Memorandum', by: 'RU' }, denied),
        record('negotiation.ceasefire.reported', { status: 'in_force' }, denied),
        record('negotiation.status.reported', { status: 'concluded' }, denied),
      ]);
      expect(view).toMatchObject({
        status: 'scheduled',
        rounds: [{ round: 1, state: 'announced' }],
        mediation: [],
        positions: [],
        documents: [],
        ceasefire: null,
        parties: [],
        evidence: { status: null },
        eventCount: 7,
      });
      expect(view.claims).toEqual([expect.objectContaining({ status: 'concluded', confirmation: 'denied', eventId: 'ua-ru-test-7' })]);
    });
  });

  it('rejects an exchange event that bypassed validation', () => {
    const wrong = { ...record('negotiation.status.reported', { status: 'stalled' }), type: 'exchange.underway', data: {} };
    expect(() => evolve(initialState(SUBJECT), wrong as RecordedEvent)).toThrow(expect.objectContaining({ code: 'event_kind_mismatch' }));
  });
});
