import { RecordedEvent, replay, SubjectState, toView } from '@newsledger/domain';
import { compareWithLog, StoredViewRow } from './views.verify';

const subject = 'exchange/verify-a';
function ev(n: number, type: string, data: object, confirmation = 'confirmed'): RecordedEvent {
  return {
    id: `a-${n}`, type, subject, source: { name: 'wire', kind: 'agency' }, confirmation, data,
    recordedAt: new Date(Date.UTC(2025, 4, 23, 8, n)).toISOString(), ingestor: 'desk', position: { partition: 0, offset: String(n) },
  } as RecordedEvent;
}

function rowOf(state: SubjectState): StoredViewRow {
  const view = toView(state);
  return {
    subject, kind: 'exchange', status: view.status, reported_status: view.kind === 'exchange' ? view.reportedStatus : null, parties: [...view.parties],
    event_count: view.eventCount, last_recorded_at: new Date(view.lastRecordedAt!), state: JSON.parse(JSON.stringify(state)),
  };
}

describe('compareWithLog', () => {
  const events = [ev(0, 'exchange.agreed', { parties: ['UA', 'RU'], negotiation: 'negotiation/verify-talks' }), ev(1, 'exchange.underway', {}, 'claimed')];
  const state = replay(subject, events);
  const log = {
    states: new Map([[subject, state]]),
    events: new Map(events.map((e) => [e.id, { subject, type: e.type, partition: 0, offset: e.position.offset, retractedBy: null }])),
    links: new Map([['a-0', { negotiation: 'negotiation/verify-talks', exchange: subject }]]),
  };
  const stored = {
    views: [rowOf(state)],
    events: events.map((e) => ({ event_id: e.id, subject, partition: 0, offset: e.position.offset, retracted_by: null })),
    links: [{ event_id: 'a-0', negotiation: 'negotiation/verify-talks', exchange: subject }],
  };

  it('finds nothing when what is stored is what the log gives', () => {
    expect(compareWithLog(stored, log)).toEqual([]);
  });

  it('names every stored value that differs: row columns, view fields, the index and the links', () => {
    const tampered = rowOf(state);
    tampered.status = 'completed';
    (tampered.state as { claims: { confirmation: string }[] }).claims[1].confirmation = 'confirmed';
    const differences = compareWithLog(
      {
        views: [tampered],
        events: [stored.events[0], { ...stored.events[1], retracted_by: 'a-9' }],
        links: [],
      },
      log,
    );
    expect(differences).toEqual([
      { subject: 'exchange/verify-a', field: 'row.status', stored: 'completed', replayed: 'agreed' },
      { subject: 'exchange/verify-a', field: 'claims[1].confirmation', stored: 'confirmed', replayed: 'claimed' },
      { subject: 'exchange/verify-a', field: 'evidence.status', stored: 'a-1', replayed: 'a-0' },
      { subject: 'exchange/verify-a', field: 'status', stored: 'underway', replayed: 'agreed' },
      { subject: 'exchange/verify-a', field: 'events[a-1].retractedBy', stored: 'a-9', replayed: null },
      { subject: 'negotiation/verify-talks', field: 'exchanges[a-0]', stored: null, replayed: subject },
    ].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0)));
  });

  it('reports views on one side only', () => {
    expect(compareWithLog({ views: [], events: stored.events, links: stored.links }, log)).toEqual([
      { subject, field: 'view', stored: null, replayed: { eventCount: 2, status: 'agreed' } },
    ]);
  });
});
