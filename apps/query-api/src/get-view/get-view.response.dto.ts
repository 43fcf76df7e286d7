import { CONFIRMATIONS, CORROBORATION_LEVELS, EXCHANGE_STATUSES, NEGOTIATION_STATUSES, SOURCE_KINDS } from '@newsledger/domain';
import { apiSchema } from '@newsledger/http';
import { z } from 'zod';

// The views are the domain's `ExchangeView`/`NegotiationView` (contract section 4). The documents
// name the fields readers rely on and leave the rest open, so a new field never makes them wrong.

const SOURCE = z.object({
  name: z.string(),
  kind: z.enum(SOURCE_KINDS),
  url: z.string().optional(),
  speaker: z.string().optional(),
  party: z.string().optional().meta({ description: 'ISO code of the side the source speaks for' }),
  via: z.string().optional().meta({ description: 'The original outlet of a relayed report' }),
});
const LADDER_SOURCE = z.object({ name: z.string(), kind: z.enum(SOURCE_KINDS), party: z.string().optional() });
const STAGE_CORROBORATION = z
  .object({
    level: z.enum(CORROBORATION_LEVELS).nullable().meta({ description: 'How well-founded the stage is; null when live reports only deny it' }),
    sources: z.array(LADDER_SOURCE).meta({ description: 'Distinct sources of the supporting reports, in log order' }),
    officialParties: z.array(z.string()).meta({ description: 'Sorted codes of the parties whose official statements support the stage' }),
    deniedBy: z.array(LADDER_SOURCE),
    contested: z.boolean(),
    eventIds: z.array(z.string()),
  })
  .meta({ description: 'Contract §7.2: the corroboration of one lifecycle stage, independent of the desks\' confirmation' });
const DISPUTE = z
  .object({
    fact: z.string().meta({ description: '`phase.<n>.<P>` or `released.<P>`', examples: ['released.RU'] }),
    values: z.array(z.object({ value: z.int(), sources: z.array(LADDER_SOURCE), eventIds: z.array(z.string()) })).meta({ description: 'Lowest first' }),
    shown: z.int().meta({ description: 'The value the view uses: the lowest' }),
  })
  .meta({ description: 'Contract §7.3: sources giving one figure different values' });
const CONFIRMATION_OF_ENTRY = z.enum(CONFIRMATIONS).meta({ description: 'The strongest desk confirmation among its live reports (contract §7.5)' });
const CLAIM = z
  .object({
    eventId: z.string(),
    confirmation: z.enum(CONFIRMATIONS),
    source: SOURCE,
    recordedAt: z.string(),
    occurredAt: z.string().optional(),
    status: z.string(),
    phase: z.int().optional().meta({ description: 'Set on a phase report, which states `underway`' }),
  })
  .meta({ description: 'A live report stating a status, with its source and confirmation' });
const COMMON = {
  subject: z.string(),
  id: z.string(),
  title: z.string().nullable().meta({ description: 'Contract §7.6: the headline of the latest live description that is not denied; null before any' }),
  summary: z.string().nullable().meta({ description: 'That description\'s summary; null when it gives none' }),
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
      released: z.record(z.string(), z.int()).meta({ description: 'Prisoners released so far, per party: the lowest value where sources disagree' }),
      corroboration: z.partialRecord(z.enum(EXCHANGE_STATUSES), STAGE_CORROBORATION).meta({ description: 'Per stage a live report supports or denies' }),
      disputes: z.array(DISPUTE),
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
      rounds: z.array(z.looseObject({ round: z.int(), confirmation: CONFIRMATION_OF_ENTRY })),
      mediation: z.array(z.looseObject({ mediator: z.string(), confirmation: CONFIRMATION_OF_ENTRY })),
      exchanges: z.array(z.looseObject({})).optional().meta({ description: 'Exchanges agreed in this negotiation' }),
    })
    .meta({ title: 'NegotiationView', description: 'A negotiation as its reports tell it (contract section 4); every fact carries the event it comes from.' }),
);
