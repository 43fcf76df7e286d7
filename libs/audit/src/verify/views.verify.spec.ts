import { RecordedEvent, replay, SubjectState, summarize, toView } from '@newsledger/domain';
import { compareSnapshots, compareWithLog, StoredViewRow } from './views.verify';

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
    subject, kind: 'exchange', status: view.status, reported_status: view.kind === 'exchange' ? view.reportedStatus : null,
    level: view.kind === 'exchange' && view.reportedStatus ? (view.corroboration[view.reportedStatus]?.level ?? null) : null,
    disputed: view.kind === 'exchange' && view.disputes.length > 0, parties: [...view.parties], search: `verify-a\n${view.parties.join('\n').toLowerCase()}\nwire`,
    event_count: view.eventCount, last_recorded_at: new Date(view.lastRecordedAt!), summary: JSON.parse(JSON.stringify(summarize(state))), state: null,
  };
}

describe('compareWithLog', () => {
  const events = [ev(0, 'exchange.agreed', { parties: ['UA', 'RU'], negotiation: 'negotiation/verify-talks' }), ev(1, 'exchange.underway', {}, 'claimed')];
  const state = replay(subject, events);
  const log = {
    summaries: new Map([[subject, summarize(state)]]),
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

  it('names a search text that is not what the log gives (a row a list\'s q would miss)', () => {
    const stale = { ...rowOf(state), search: 'verify-a' };
    expect(compareWithLog({ ...stored, views: [stale] }, log)).toEqual([
      { subject, field: 'row.search', stored: 'verify-a', replayed: 'verify-a\nru\nua\nwire' },
    ]);
  });

  it('names every stored value that differs: row columns, summary, the index and the links', () => {
    const tampered = rowOf(state);
    tampered.status = 'completed';
    (tampered.summary as { confirmed: { best: { status: string; eventId: string } } }).confirmed.best = { status: 'underway', eventId: 'a-1' };
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
      { subject: 'exchange/verify-a', field: 'summary.confirmed.best.eventId', stored: 'a-1', replayed: 'a-0' },
      { subject: 'exchange/verify-a', field: 'summary.confirmed.best.status', stored: 'underway', replayed: 'agreed' },
      { subject: 'exchange/verify-a', field: 'events[a-1].retractedBy', stored: 'a-9', replayed: null },
      { subject: 'negotiation/verify-talks', field: 'exchanges[a-0]', stored: null, replayed: subject },
    ].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0)));
  });

  it('names a stale corroboration level or dispute flag in a row', () => {
    const tampered = { ...rowOf(state), level: 'all-parties', disputed: true };
    expect(compareWithLog({ ...stored, views: [tampered] }, log)).toEqual([
      { subject, field: 'row.disputed', stored: true, replayed: false },
      { subject, field: 'row.level', stored: 'all-parties', replayed: 'single-source' },
    ]);
  });

  it('reads a row written before summaries by summarising its full state', () => {
    const legacy = { ...rowOf(state), summary: null, state: JSON.parse(JSON.stringify(state)) };
    expect(compareWithLog({ ...stored, views: [legacy] }, log)).toEqual([]);
  });

  it('reports views on one side only', () => {
    expect(compareWithLog({ views: [], events: stored.events, links: stored.links }, log)).toEqual([
      { subject, field: 'view', stored: null, replayed: { eventCount: 2, status: 'agreed' } },
    ]);
  });

  it('compares each stored snapshot with the state the replay reached at its event count', () => {
    const at1 = replay(subject, events.slice(0, 1));
    const tampered = { ...JSON.parse(JSON.stringify(state)), lastRecordedAt: '2025-05-23T09:00:00.000Z' };
    const replayed = new Map([[1, at1], [2, state]]);
    expect(compareSnapshots(subject, [{ event_count: 1, state: JSON.parse(JSON.stringify(at1)) }], replayed)).toEqual([]);
    expect(compareSnapshots(subject, [{ event_count: 2, state: tampered }, { event_count: 5, state: {} }], replayed)).toEqual([
      { subject, field: 'snapshots[2].lastRecordedAt', stored: '2025-05-23T09:00:00.000Z', replayed: state.lastRecordedAt },
      { subject, field: 'snapshots[5]', stored: { eventCount: 5 }, replayed: null },
    ]);
  });
});
