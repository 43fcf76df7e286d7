import * as fc from 'fast-check';
import { DomainError } from './domain.error';
import { recorder } from './event.fixture';
import type { Confirmation } from './event.catalogue';
import type { RecordedEvent, Source } from './report.schema';
import { evolve, replay, toStatusView, toView, type SubjectState } from './subject.projection';
import { evolveSummary, initialSummary, summarize, summaryColumns, summaryStatus, asSummary } from './subject.summary';

const CONFIRMATIONS: Confirmation[] = ['confirmed', 'reported', 'claimed', 'unconfirmed', 'denied'];

/** Every exchange and negotiation report type with data that exercises parties, rounds and statuses. */
/** Sources that reach every rung of the ladder: officials of both sides and a mediator, relays, unnamed ones. */
const SOURCES: Source[] = [
  { name: 'Test wire', kind: 'agency' },
  { name: 'Russian MoD', kind: 'official', party: 'RU' },
  { name: 'Coordination HQ', kind: 'government', party: 'UA' },
  { name: 'UAE foreign ministry', kind: 'official', party: 'AE' },
  { name: 'Reuters', kind: 'agency', via: 'TASS' },
  { name: 'AP', kind: 'agency', via: 'tass' },
  { name: 'unnamed sources', kind: 'unnamed' },
  { name: 'other unnamed sources', kind: 'unnamed' },
];

function exchangeReport(record: ReturnType<typeof recorder>, type: number, n: number, confirmation: Confirmation, source: Source): RecordedEvent {
  const opts = { confirmation, source };
  switch (type % 11) {
    case 0:
      return record('exchange.proposed', { parties: ['UA', 'RU'] }, opts);
    case 1:
      return record('exchange.agreed', { parties: ['UA', n % 2 ? 'RU' : 'BY'], releasedBy: { UA: n, AE: n } }, opts);
    case 2:
      return record('exchange.underway', { location: `border ${n}` }, opts);
    case 3:
      return record('exchange.phase.completed', { phase: 1 + (n % 3), releasedBy: { UA: n, TR: n } }, opts);
    case 4:
      return record('exchange.completed', n % 2 ? { releasedBy: { UA: n, QA: n } } : {}, opts);
    case 5:
      return record('exchange.suspended', {}, opts);
    case 6:
      return record('exchange.cancelled', {}, opts);
    case 7:
      return record('exchange.details.reported', { expectedDays: n }, opts);
    case 8:
      return record('exchange.details.reported', { mediators: n % 2 ? ['AE'] : ['Vatican'] }, opts);
    case 9:
      return record('exchange.described', n % 2 ? { title: `Swap ${n}` } : { title: `Swap ${n}`, summary: 'More.' }, opts);
    default:
      return record('exchange.underway', {}, opts);
  }
}

function negotiationReport(record: ReturnType<typeof recorder>, type: number, n: number, confirmation: Confirmation, source: Source): RecordedEvent {
  const opts = { confirmation, source };
  switch (type % 8) {
    case 0:
      return record('negotiation.round.announced', { round: 1 + (n % 3) }, { confirmation });
    case 1:
      return record('negotiation.round.held', { round: 1 + (n % 3), parties: n % 2 ? ['UA', 'RU'] : ['US'], venue: n % 2 ? 'Istanbul' : 'Riyadh' }, opts);
    case 2:
      return record('negotiation.status.reported', { status: (['stalled', 'resumed', 'collapsed', 'concluded'] as const)[n % 4] }, { confirmation });
    case 3:
      return record('negotiation.position.stated', { party: n % 2 ? 'UA' : 'TR', speaker: 'Envoy', quote: 'We are ready.' }, { confirmation });
    case 4:
      return record('negotiation.document.announced', { title: 'Memorandum', by: n % 2 ? 'RU' : 'VA' }, { confirmation });
    case 5:
      return record('negotiation.mediation.proposed', { mediator: n % 2 ? 'TR' : 'Vatican', by: 'UA' }, opts);
    case 6:
      return record('negotiation.described', { title: `Talks ${n}` }, opts);
    default:
      return record('negotiation.ceasefire.reported', { status: 'proposed' }, { confirmation });
  }
}

const reports = fc.array(
  fc.record({ type: fc.nat(20), n: fc.nat(50), confirmation: fc.constantFrom(...CONFIRMATIONS), source: fc.constantFrom(...SOURCES) }),
  { maxLength: 40 },
);

function storyOf(subject: string, steps: { type: number; n: number; confirmation: Confirmation; source: Source }[]): RecordedEvent[] {
  const record = recorder(subject);
  return steps.map((s) =>
    subject.startsWith('exchange/') ? exchangeReport(record, s.type, s.n, s.confirmation, s.source) : negotiationReport(record, s.type, s.n, s.confirmation, s.source),
  );
}

/**
 * What `q` searches, from the events themselves (none retracted here): every source's name and
 * `via`, and the mediators and venues of the reports that are not denied.
 */
function searchNamesOf(events: readonly RecordedEvent[]): string[] {
  return events.flatMap((e) => {
    const data = e.data as { mediators?: string[]; mediator?: string; venue?: string };
    const given = e.confirmation === 'denied' ? [] : [...(data.mediators ?? []), data.mediator ?? [], data.venue ?? []].flat();
    return [e.source.name, e.source.via ?? [], ...given].flat().map((name) => name.toLowerCase());
  });
}

function columnsOfView(state: SubjectState, events: readonly RecordedEvent[]) {
  const view = toView(state);
  return {
    kind: view.kind,
    status: view.status,
    reportedStatus: view.kind === 'exchange' ? view.reportedStatus : null,
    level: view.kind === 'exchange' && view.reportedStatus ? (view.corroboration[view.reportedStatus]?.level ?? null) : null,
    disputed: view.kind === 'exchange' && view.disputes.length > 0,
    parties: view.parties,
    search: [view.id, ...(view.title === null ? [] : [view.title]), ...view.parties, ...[...new Set(searchNamesOf(events))].sort()]
      .map((line) => line.toLowerCase())
      .join('\n'),
    eventCount: view.eventCount,
    lastRecordedAt: view.lastRecordedAt,
  };
}

describe('subject summary', () => {
  it.each(['exchange/summary-fold', 'negotiation/summary-fold'])(
    'moves on report by report exactly as the full state does (%s)',
    (subject) => {
      fc.assert(
        fc.property(reports, (steps) => {
          let full = replay(subject, []);
          let summary = initialSummary(subject);
          const seen: RecordedEvent[] = [];
          for (const event of storyOf(subject, steps)) {
            seen.push(event);
            full = evolve(full, event);
            summary = evolveSummary(summary, event);
            expect(summary).toEqual(summarize(full));
            expect(summaryStatus(summary)).toEqual(toStatusView(full));
            expect(summaryColumns(summary)).toEqual(columnsOfView(full, seen));
          }
        }),
      );
    },
  );

  it('comes back from the full state after a retraction, as if the report had never been recorded', () => {
    const record = recorder('exchange/summary-retraction');
    const events = [
      record('exchange.agreed', { parties: ['UA', 'RU'] }),
      record('exchange.completed', {}, { confirmation: 'claimed', source: { name: 'Donald Trump', kind: 'social' } }),
      record('exchange.underway', {}),
    ];
    const retraction = record('report.retracted', { eventId: events[2].id, reason: 'not yet' });
    expect(() => evolveSummary(summarize(replay('exchange/summary-retraction', events)), retraction)).toThrow(DomainError);
    const after = summarize(replay('exchange/summary-retraction', [...events, retraction]));
    expect(summaryColumns(after)).toMatchObject({ status: 'agreed', reportedStatus: 'completed', eventCount: 4 });
  });

  it('summarises a full state stored before summaries existed, and keeps a summary as it is', () => {
    const record = recorder('negotiation/summary-upgrade');
    const state = replay('negotiation/summary-upgrade', [record('negotiation.round.held', { round: 1, parties: ['UA', 'RU'] })]);
    const upgraded = asSummary(state);
    expect(upgraded).toEqual(summarize(state));
    expect(asSummary(upgraded)).toBe(upgraded);
    expect(summaryColumns(upgraded)).toMatchObject({ status: 'active', parties: ['RU', 'UA'] });
  });

  it('refuses to move on a summary or state stored under another version, which only the events can give again', () => {
    const record = recorder('exchange/summary-stale');
    const state = replay('exchange/summary-stale', [record('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } })]);
    const { version: _, ...v1 } = summarize(state);
    expect(() => asSummary(v1 as never)).toThrow(expect.objectContaining({ code: 'stale_state' }));
    expect(() => asSummary({ ...state, version: 1 })).toThrow(expect.objectContaining({ code: 'stale_state' }));
  });

  it('refuses an event of another subject', () => {
    const event = recorder('exchange/other')('exchange.proposed', { parties: ['UA'] });
    expect(() => evolveSummary(initialSummary('exchange/summary-own'), event)).toThrow(/is about exchange\/other/);
  });
});
