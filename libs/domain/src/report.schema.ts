import { z } from 'zod';
import {
  CEASEFIRE_STATUSES,
  CONFIRMATIONS,
  EVENT_TYPES,
  NEGOTIATION_STATUS_REPORTS,
  NOTE_MAX_LENGTH,
  REPORT_ID_PATTERN,
  SOURCE_KINDS,
  SUMMARY_MAX_LENGTH,
  TITLE_MAX_LENGTH,
  currentVersionOf,
  subjectKindsOf,
  type Confirmation,
  type EventType,
  type EVENT_VERSIONS,
} from './event.catalogue';
import type { RecordedAs } from './event.upcast';
import { expecting } from './report.wording';
import { INSTANT_RANGE, STORABLE } from './storable';
import { SUBJECT_ID_PATTERN, tryParseSubject, type SubjectKind } from './subject';

/**
 * The shape of every report and of each event type's `data`, in zod: what HTTP and the log
 * decoder accept, and what `/v1/schemas`, OpenAPI and AsyncAPI publish.
 */

// --- field schemas --------------------------------------------------------------------------

const text = (max: number, what: string) => z.string(expecting(what)).min(1).max(max).regex(...STORABLE);

const partyCode = z
  .string(expecting('an ISO 3166 alpha-2 country code in upper case, such as "UA"'))
  .regex(/^[A-Z]{2}$/)
  .meta({ description: 'ISO 3166 alpha-2 code, upper case', examples: ['UA', 'RU'] });

function partyList(min: number) {
  return z
    .array(partyCode, expecting('a list of ISO 3166 alpha-2 codes, such as ["UA","RU"]'))
    .min(min, { error: `must list at least ${min === 1 ? 'one party' : `${min} parties`}, such as ["UA","RU"]` })
    .max(20)
    .refine((parties) => new Set(parties).size === parties.length, { error: 'must not list the same party twice' })
    // The refinements say in JSON Schema too, where it can: /v1/schemas tells the whole rule, and
    // the log decoder's compiled check (report.fast-validation.ts) needs nothing written twice.
    .meta({ uniqueItems: true });
}

const releasedBy = z
  .record(
    partyCode,
    z.int(expecting('a whole number of people released, 0 or more')).min(0),
    expecting('an object of party → number of people it releases, such as {"UA":1000,"RU":1000}'),
  )
  .refine((counts) => Object.keys(counts).length > 0, {
    error: 'must name at least one party, such as {"UA":1000,"RU":1000}',
  })
  .meta({ description: 'Prisoners each party releases', examples: [{ UA: 1000, RU: 1000 }], minProperties: 1 });

const subjectExample: Record<SubjectKind, string> = {
  exchange: 'exchange/ua-ru-2025-05-1000',
  negotiation: 'negotiation/ua-ru-istanbul-2025',
};

/** A subject of the given kinds; the message tells a well-formed subject of the wrong kind apart from garbage. */
function subjectField(kinds: readonly SubjectKind[], forWhat: string) {
  const pattern = new RegExp(`^(${kinds.join('|')})/${SUBJECT_ID_PATTERN.source.slice(1, -1)}$`);
  const wanted = kinds.map((kind) => `"${kind}/<id>"`).join(' or ');
  const example = subjectExample[kinds[0]!];
  return z.string(expecting(`a subject ${wanted}, such as "${example}"`)).regex(pattern, {
    error: (issue) => {
      const parsed = typeof issue.input === 'string' ? tryParseSubject(issue.input) : null;
      if (parsed) return `must be ${wanted} ${forWhat}, not a ${parsed.kind} subject`;
      return `must be ${wanted} with <id> of 2-80 lower-case letters, digits or dashes starting with a letter or digit, such as "${example}"`;
    },
  });
}

const reportedTimeWhat =
  '"YYYY", "YYYY-MM", "YYYY-MM-DD" or an ISO-8601 instant with offset such as "2025-05-23T09:30:00+03:00"';
// Years 0001-9999 only, by pattern, so the published JSON Schemas (and the log decoder's compiled
// check) say it too; an instant on the first or last day could cross the range by its offset.
/** occurredAt and the dates inside `data`: kept as given, with its precision. */
const reportedTime = z
  .union(
    [
      z.string().regex(/^(?!0000)\d{4}$/),
      z.string().regex(/^(?!0000)\d{4}-(0[1-9]|1[0-2])$/),
      z.iso.date().regex(/^(?!0000)/),
      z.iso.datetime({ offset: true }).regex(/^(?!0000|0001-01-01T|9999-12-31T)/),
    ],
    {
      error: (issue) =>
        issue.input === undefined ? `is required: ${reportedTimeWhat}` : `must be ${reportedTimeWhat}, ${INSTANT_RANGE}`,
    },
  )
  .meta({ description: 'A time with the precision it was reported with', examples: ['2025', '2025-05', '2025-05-23'] });

const reportId = z
  .string(expecting('a UUID or another id of 1-100 characters from A-Z a-z 0-9 . _ : -'))
  .regex(REPORT_ID_PATTERN);

const mediators = z
  .array(text(200, 'a mediator: a name or an ISO code, such as "AE" or "Vatican"'), expecting('a list of mediators, such as ["AE"]'))
  .min(1)
  .max(20);
const location = text(200, 'a place, such as "Ukraine–Belarus border"');
const expectedDays = z.int(expecting('a whole number of days, 1 or more')).min(1).max(366);
const round = z.int(expecting('a round number, 1 or more')).min(1).max(1000);
const person = (what: string) => text(200, what);

/** The `data` of `exchange.described` and `negotiation.described`: the story's headline (contract §7.6). */
const headline = {
  title: text(TITLE_MAX_LENGTH, 'the story\'s headline, such as "Ukraine and Russia swap 1,000 prisoners each"').meta({
    description: 'The headline the view shows while this is the latest live description that is not denied',
  }),
  summary: text(SUMMARY_MAX_LENGTH, 'a short summary of the story').optional(),
};

/**
 * The codes `releasedBy` names that `parties` does not list (a stray code is almost always a
 * typo): the one rule of a report JSON Schema cannot say.
 */
export function strayReleasedParties(value: { parties?: unknown; releasedBy?: unknown }): string[] {
  if (!Array.isArray(value.parties) || !value.releasedBy || typeof value.releasedBy !== 'object') return [];
  const parties: unknown[] = value.parties;
  return Object.keys(value.releasedBy).filter((party) => !parties.includes(party));
}

/** `releasedBy` may only name listed parties. */
function releasedByWithinParties(value: { parties: string[]; releasedBy?: Record<string, number> | undefined }, ctx: z.core.$RefinementCtx) {
  for (const party of strayReleasedParties(value)) {
    ctx.addIssue({
      code: 'custom',
      path: ['releasedBy', party],
      message: `names "${party}", which is not in parties [${value.parties.join(', ')}]; add it to parties or correct the code`,
      input: value.releasedBy,
    });
  }
}

const dataObject = <S extends z.core.$ZodLooseShape>(type: EventType, shape: S) =>
  z.strictObject(shape, expecting(`an object with the fields of ${type}: ${Object.keys(shape).join(', ')}`));

/** The `data` schema of every event type. */
export const EVENT_DATA_SCHEMAS = {
  'exchange.proposed': dataObject('exchange.proposed', {
    parties: partyList(2),
    releasedBy: releasedBy.optional(),
  }).superRefine(releasedByWithinParties),
  'exchange.agreed': dataObject('exchange.agreed', {
    parties: partyList(2),
    releasedBy: releasedBy.optional(),
    negotiation: subjectField(['negotiation'], 'naming the negotiation this exchange was agreed in').optional(),
    mediators: mediators.optional(),
  }).superRefine(releasedByWithinParties),
  'exchange.underway': dataObject('exchange.underway', {
    location: location.optional(),
    expectedDays: expectedDays.optional(),
  }),
  'exchange.phase.completed': dataObject('exchange.phase.completed', {
    phase: z.int(expecting('a phase number, 1 or more')).min(1).max(1000),
    releasedBy,
    date: reportedTime.optional(),
  }),
  'exchange.completed': dataObject('exchange.completed', {
    releasedBy: releasedBy.optional(),
  }),
  'exchange.suspended': dataObject('exchange.suspended', {
    reason: text(2000, 'a short explanation').optional(),
  }),
  'exchange.cancelled': dataObject('exchange.cancelled', {
    reason: text(2000, 'a short explanation').optional(),
  }),
  'exchange.details.reported': dataObject('exchange.details.reported', {
    location: location.optional(),
    mediators: mediators.optional(),
    expectedDays: expectedDays.optional(),
  })
    .refine((d) => d.location !== undefined || d.mediators !== undefined || d.expectedDays !== undefined, {
      error: 'must report at least one of location, mediators, expectedDays',
    })
    .meta({ anyOf: [{ required: ['location'] }, { required: ['mediators'] }, { required: ['expectedDays'] }] }),
  'exchange.described': dataObject('exchange.described', headline),
  'negotiation.round.announced': dataObject('negotiation.round.announced', {
    round,
    venue: text(200, 'a place, such as "Istanbul"').optional(),
    scheduledFor: reportedTime.optional(),
    // Version 2: a list (version 1's one string, upcast, is a list of one item of up to 2,000 characters).
    agenda: z
      .array(text(2000, 'an item of the agenda, such as "prisoner exchange"'), expecting('a list of agenda items, such as ["prisoner exchange","ceasefire"]'))
      .min(1)
      .max(50)
      .meta({ description: 'The items on the agenda, in the order reported', examples: [['prisoner exchange', 'ceasefire']] })
      .optional(),
  }),
  'negotiation.round.held': dataObject('negotiation.round.held', {
    round,
    venue: text(200, 'a place, such as "Istanbul"').optional(),
    date: reportedTime.optional(),
    delegationLevel: text(200, 'a short description, such as "low-level" or "ministerial"').optional(),
    outcome: text(2000, 'a short description of the outcome').optional(),
    parties: partyList(1).optional(),
  }),
  'negotiation.mediation.proposed': dataObject('negotiation.mediation.proposed', {
    mediator: person('the proposed mediator, such as "Vatican" or "TR"'),
    by: person('who proposed it: a person or an ISO code, such as "Donald Trump"'),
  }),
  'negotiation.mediation.endorsed': dataObject('negotiation.mediation.endorsed', {
    mediator: person('the mediator, such as "Vatican" or "TR"'),
    by: person('who endorsed it: a person or an ISO code, such as "Giorgia Meloni"'),
    party: partyCode.optional(),
  }),
  'negotiation.mediation.rejected': dataObject('negotiation.mediation.rejected', {
    mediator: person('the mediator, such as "Vatican" or "TR"'),
    by: person('who rejected it: a person or an ISO code, such as "Sergei Lavrov"'),
    party: partyCode.optional(),
  }),
  'negotiation.position.stated': dataObject('negotiation.position.stated', {
    party: partyCode,
    speaker: person('who said it, such as "Sergei Lavrov"'),
    quote: text(2000, 'the words as reported'),
    topic: text(200, 'a short topic, such as "ceasefire"').optional(),
  }),
  'negotiation.document.announced': dataObject('negotiation.document.announced', {
    title: text(500, 'the document title, such as "Memorandum"'),
    by: partyCode,
    round: round.optional(),
  }),
  'negotiation.ceasefire.reported': dataObject('negotiation.ceasefire.reported', {
    status: z.enum(CEASEFIRE_STATUSES, expecting(`one of ${CEASEFIRE_STATUSES.join(', ')}`)),
  }),
  'negotiation.status.reported': dataObject('negotiation.status.reported', {
    status: z.enum(NEGOTIATION_STATUS_REPORTS, expecting(`one of ${NEGOTIATION_STATUS_REPORTS.join(', ')}`)),
  }),
  'negotiation.described': dataObject('negotiation.described', headline),
  'report.retracted': dataObject('report.retracted', {
    eventId: reportId.meta({ description: 'The id of an earlier event of the same subject' }),
    reason: text(2000, 'why the report is withdrawn'),
  }),
} satisfies Record<EventType, z.ZodType>;

/**
 * The `data` schemas of the earlier versions of the types in `EVENT_VERSIONS`, by version: what
 * the log decoder checks a message of that version against before it is upcast.
 */
export const EARLIER_DATA_SCHEMAS = {
  'negotiation.round.announced': {
    1: dataObject('negotiation.round.announced', {
      round,
      venue: text(200, 'a place, such as "Istanbul"').optional(),
      scheduledFor: reportedTime.optional(),
      agenda: text(2000, 'a short description of the agenda').optional(),
    }),
  },
} satisfies { [T in keyof typeof EVENT_VERSIONS]: Record<number, z.ZodType> };

/** The `data` of an event of type `T`. */
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA_SCHEMAS)[T]>;

/** Where a report comes from. */
export const SOURCE_SCHEMA = z.strictObject(
  {
    name: text(200, 'the name of the source, such as "Ukrainian military sources"'),
    kind: z.enum(SOURCE_KINDS, expecting(`one of ${SOURCE_KINDS.join(', ')}`)),
    url: z.url({ protocol: /^https?$/, ...expecting('an http or https URL') }).max(2000).regex(...STORABLE).optional(),
    speaker: person('who spoke, such as "Sergei Lavrov"').optional(),
    party: partyCode
      .meta({ description: 'ISO 3166 alpha-2 code of the side the source speaks for, such as "RU" for Russia\'s Ministry of Defence', examples: ['UA', 'RU', 'AE'] })
      .optional(),
    via: text(200, 'the original outlet a relayed report comes from, such as "TASS"')
      .meta({ description: 'The original outlet of a relayed report ("Reuters, citing TASS" → "TASS")', examples: ['TASS'] })
      .optional(),
  },
  expecting('an object such as {"name":"Reuters","kind":"agency"}'),
);

/** `{ name, kind, url?, speaker?, party?, via? }`: see `confirmation.ts` for what `party` and `via` count for. */
export type Source = z.infer<typeof SOURCE_SCHEMA>;

/** The fields of a report of `type` before its `data`, in the order the schemas list them. */
function envelopeOf<T extends EventType>(type: T) {
  return {
    id: reportId.optional(),
    type: z.literal(type),
    subject: subjectField(subjectKindsOf(type), `for ${type}`),
    occurredAt: reportedTime.optional(),
    source: SOURCE_SCHEMA,
    confirmation: z.enum(CONFIRMATIONS, expecting(`one of ${CONFIRMATIONS.join(', ')}`)),
  };
}
const note = text(NOTE_MAX_LENGTH, 'free text').optional();

function reportSchemaOf<T extends EventType>(type: T) {
  return z.strictObject({ ...envelopeOf(type), data: EVENT_DATA_SCHEMAS[type], note }, expecting('a JSON object: the report')).meta({ title: type });
}

/** The full report schema of each type, in its current version; `type` is a literal and `subject` is restricted to its kind. */
export const REPORT_SCHEMAS = Object.fromEntries(EVENT_TYPES.map((type) => [type, reportSchemaOf(type)])) as {
  [T in EventType]: ReturnType<typeof reportSchemaOf<T>>;
};

const earlierReportSchemas = new Map<string, z.ZodType>();

/**
 * The full report schema of a type in one of its versions (the current one is `REPORT_SCHEMAS`'),
 * or undefined when the type has no such version.
 */
export function reportSchemaIn(type: EventType, version: number): z.ZodType | undefined {
  if (version === currentVersionOf(type)) return REPORT_SCHEMAS[type];
  const data = (EARLIER_DATA_SCHEMAS as Partial<Record<EventType, Record<number, z.ZodType>>>)[type]?.[version];
  if (!data) return undefined;
  const key = `${type}@${version}`;
  let schema = earlierReportSchemas.get(key);
  if (!schema) earlierReportSchemas.set(key, (schema = z.strictObject({ ...envelopeOf(type), data, note }, expecting('a JSON object: the report')).meta({ title: type })));
  return schema;
}

/** The report envelope when the type is unknown: everything but `data` can still be checked. */
export const ENVELOPE_SCHEMA = z.strictObject(
  {
    id: reportId.optional(),
    type: z.string(),
    subject: subjectField(['negotiation', 'exchange'], ''),
    occurredAt: reportedTime.optional(),
    source: SOURCE_SCHEMA,
    confirmation: z.enum(CONFIRMATIONS, expecting(`one of ${CONFIRMATIONS.join(', ')}`)),
    data: z.unknown(),
    note: text(NOTE_MAX_LENGTH, 'free text').optional(),
  },
  expecting('a JSON object: the report'),
);

/** The fields every report has, whatever its type. */
export interface ReportEnvelope {
  /** The idempotency key; the server assigns one when absent. */
  id?: string;
  /** `negotiation/<id>` or `exchange/<id>`. */
  subject: string;
  /** When it happened, to the precision reported; kept as given. */
  occurredAt?: string;
  source: Source;
  confirmation: Confirmation;
  /** Free text, at most {@link NOTE_MAX_LENGTH} characters. */
  note?: string;
}

/** A report of type `T`. */
export type ReportOf<T extends EventType> = ReportEnvelope & { type: T; data: EventData<T> };

/** A valid report as an ingestor sends it (id optional). Narrow on `type` to type `data`. */
export type ReportInput = { [T in EventType]: ReportOf<T> }[EventType];

/**
 * A report with its id: what is appended to the log. `data` is in the type's current version;
 * `recordedAs` holds what was sent when that was an earlier version (accepted while deprecated),
 * which is what the log records.
 */
export type Report = ReportInput & { id: string; recordedAs?: RecordedAs };

/** What the server adds to a report when it appends it to the log. */
export interface RecordMetadata {
  /** The server's clock when the event was appended (ISO instant): transaction time. */
  recordedAt: string;
  /** The name behind the API key (or the CloudEvents `source`) that sent it. */
  ingestor: string;
  /** Where the event sits on the log; `offset` is a string because Kafka offsets are int64. */
  position: { partition: number; offset: string };
}

/**
 * An event as read back from the log: the report plus what the server added.
 *
 * A union discriminated by `type`; note that `Omit<RecordedEvent, K>` collapses the union
 * (Omit is not distributive) — write `Report & Omit<RecordMetadata, K>` instead.
 */
export type RecordedEvent = Report & RecordMetadata;
