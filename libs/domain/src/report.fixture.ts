// Valid reports of every type for the domain's own specs; not exported from index.ts.
import type { EventType } from './event.catalogue';

/** A valid subject and data for every type, and the fields its data requires; specs break one thing at a time. */
export const EXAMPLES: Record<EventType, { subject: string; data: Record<string, unknown>; required: string[] }> = {
  'exchange.proposed': { subject: 'exchange/ua-ru-1', data: { parties: ['UA', 'RU'], releasedBy: { UA: 10, RU: 10 } }, required: ['parties'] },
  'exchange.agreed': {
    subject: 'exchange/ua-ru-1',
    data: { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 }, negotiation: 'negotiation/ua-ru-istanbul-2025', mediators: ['AE'] },
    required: ['parties'],
  },
  'exchange.underway': { subject: 'exchange/ua-ru-1', data: { location: 'Ukraine–Belarus border', expectedDays: 3 }, required: [] },
  'exchange.phase.completed': {
    subject: 'exchange/ua-ru-1',
    data: { phase: 1, releasedBy: { UA: 390, RU: 390 }, date: '2025-05-23' },
    required: ['phase', 'releasedBy'],
  },
  'exchange.completed': { subject: 'exchange/ua-ru-1', data: { releasedBy: { UA: 1000, RU: 1000 } }, required: [] },
  'exchange.suspended': { subject: 'exchange/ua-ru-1', data: { reason: 'shelling' }, required: [] },
  'exchange.cancelled': { subject: 'exchange/ua-ru-1', data: {}, required: [] },
  'exchange.details.reported': { subject: 'exchange/ua-ru-1', data: { location: 'border', mediators: ['AE', 'Vatican'], expectedDays: 3 }, required: [] },
  'exchange.described': { subject: 'exchange/ua-ru-1', data: { title: 'Ukraine and Russia swap 1,000 prisoners each', summary: 'The largest swap of the war.' }, required: ['title'] },
  'negotiation.round.announced': {
    subject: 'negotiation/ua-ru-1',
    data: { round: 2, venue: 'Istanbul', scheduledFor: '2025-06-02T10:00:00+03:00', agenda: ['memorandum'] },
    required: ['round'],
  },
  'negotiation.round.held': {
    subject: 'negotiation/ua-ru-1',
    data: { round: 1, venue: 'Istanbul', date: '2025-05-16', delegationLevel: 'low-level', outcome: 'no ceasefire', parties: ['UA', 'RU'] },
    required: ['round'],
  },
  'negotiation.mediation.proposed': { subject: 'negotiation/ua-ru-1', data: { mediator: 'Vatican', by: 'Donald Trump' }, required: ['mediator', 'by'] },
  'negotiation.mediation.endorsed': {
    subject: 'negotiation/ua-ru-1',
    data: { mediator: 'Vatican', by: 'Giorgia Meloni', party: 'IT' },
    required: ['mediator', 'by'],
  },
  'negotiation.mediation.rejected': {
    subject: 'negotiation/ua-ru-1',
    data: { mediator: 'Vatican', by: 'Sergei Lavrov', party: 'RU' },
    required: ['mediator', 'by'],
  },
  'negotiation.position.stated': {
    subject: 'negotiation/ua-ru-1',
    data: { party: 'RU', speaker: 'Sergei Lavrov', quote: 'First, we need to have a deal.', topic: 'peace agreement' },
    required: ['party', 'speaker', 'quote'],
  },
  'negotiation.document.announced': { subject: 'negotiation/ua-ru-1', data: { title: 'Memorandum', by: 'RU', round: 2 }, required: ['title', 'by'] },
  'negotiation.ceasefire.reported': { subject: 'negotiation/ua-ru-1', data: { status: 'proposed' }, required: ['status'] },
  'negotiation.status.reported': { subject: 'negotiation/ua-ru-1', data: { status: 'resumed' }, required: ['status'] },
  'negotiation.described': { subject: 'negotiation/ua-ru-1', data: { title: 'Istanbul talks', summary: 'Direct talks, the first since 2022.' }, required: ['title'] },
  'report.retracted': {
    subject: 'exchange/ua-ru-1',
    data: { eventId: '0196f2c4-7b1e-7c3a-9d2f-1a2b3c4d5e6f', reason: 'misattributed quote' },
    required: ['eventId', 'reason'],
  },
};

/** A valid report of `type` with every optional envelope field, then `overrides`. */
export function report(type: EventType, overrides: Record<string, unknown> = {}) {
  const { subject, data } = EXAMPLES[type];
  return {
    id: `test:${type}`,
    type,
    subject,
    occurredAt: '2025-05-23',
    source: { name: 'Reuters', kind: 'agency', url: 'https://www.reuters.com/x', speaker: 'a spokesperson' },
    confirmation: 'confirmed',
    data,
    note: 'as filed',
    ...overrides,
  };
}
