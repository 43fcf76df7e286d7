import { CONFIRMATIONS, EXCHANGE_STATUSES, NEGOTIATION_STATUSES, SOURCE_KINDS } from '@newsledger/domain';
import { apiSchema } from '@newsledger/http';
import { z } from 'zod';

// The views are the domain's `ExchangeView`/`NegotiationView` (contract section 4). The documents
// name the fields readers rely on and leave the rest open, so a new field never makes them wrong.

const SOURCE = z.object({ name: z.string(), kind: z.enum(SOURCE_KINDS), url: z.string().optional(), speaker: z.string().optional() });
const CLAIM = z
  .object({
    eventId: z.string(),
    confirmation: z.enum(CONFIRMATIONS),
    source: SOURCE,
    recordedAt: z.string(),
    occurredAt: z.string().optional(),
    status: z.string(),
  })
  .meta({ description: 'A live report stating a status, with its source and confirmation' });
const COMMON = {
  subject: z.string(),
  id: z.string(),
  parties: z.array(z.string()).meta({ description: 'ISO codes named by live non-denied reports, sorted' }),
  claims: z.array(CLAIM),
  evidence: z.looseObject({}).meta({ description: 'The event ids each derived fact rests on' }),
  eventCount: z.int().meta({ description: 'Every event of the subject, retractions included' }),
  lastRecordedAt: z.string().nullable(),
  asOf: z.string().optional().meta({ description: 'Echoed on a time-travel answer' }),
  validAt: z.string().optional().meta({ description: 'Echoed on a time-travel answer' }),
};

export const EXCHANGE_VIEW_REF = apiSchema(
  'ExchangeView',
  z
    .looseObject({
      ...COMMON,
      kind: z.literal('exchange'),
      status: z.enum(EXCHANGE_STATUSES).nullable().meta({ description: 'From live confirmed reports only' }),
      reportedStatus: z.enum(EXCHANGE_STATUSES).nullable().meta({ description: 'From every live report that is not denied' }),
      released: z.record(z.string(), z.int()).meta({ description: 'Prisoners released so far, per party' }),
    })
    .meta({ title: 'ExchangeView', description: 'An exchange as its reports tell it (contract section 4); every fact carries the event it comes from.' }),
);

export const NEGOTIATION_VIEW_REF = apiSchema(
  'NegotiationView',
  z
    .looseObject({
      ...COMMON,
      kind: z.literal('negotiation'),
      status: z.enum(NEGOTIATION_STATUSES),
      rounds: z.array(z.looseObject({ round: z.int() })),
      exchanges: z.array(z.looseObject({})).optional().meta({ description: 'Exchanges agreed in this negotiation' }),
    })
    .meta({ title: 'NegotiationView', description: 'A negotiation as its reports tell it (contract section 4); every fact carries the event it comes from.' }),
);
