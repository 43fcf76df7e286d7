import { CONFIRMATIONS, EVENT_TYPES } from '@newsledger/domain';
import { apiSchema } from '@newsledger/http';
import { z } from 'zod';

/** One event of a subject's history, as auditors read it; the type and the API document both come from this schema. */
const HISTORY_ENTRY = z.object({
  eventId: z.string(),
  type: z.string().meta({ description: `One of ${EVENT_TYPES.join(', ')}` }),
  subject: z.string(),
  occurredAt: z.string().nullable().meta({ description: 'As reported, with its precision' }),
  recordedAt: z.string().meta({ description: 'When the ingest server appended it' }),
  ingestor: z.string().meta({ description: 'The name of the key that sent it' }),
  source: z.unknown().meta({ description: 'The report\'s source: {name, kind, url?, speaker?}' }),
  confirmation: z.string().meta({ description: `One of ${CONFIRMATIONS.join(', ')}` }),
  data: z.unknown().meta({ description: 'The data of its type as recorded, in the version `dataschema` names (see /v1/schemas), not upcast' }),
  dataschema: z.string().meta({
    description: 'The version of its type `data` is in: `urn:newsledger:schema:<type>:v<n>`, its JSON Schema at /v1/schemas/<type>/versions/<n>',
    examples: ['urn:newsledger:schema:negotiation.round.announced:v2'],
  }),
  note: z.string().nullable(),
  position: z.object({ partition: z.int(), offset: z.string() }).meta({ description: 'Where it sits on the events topic' }),
  retracted: z.boolean(),
  retractedBy: z.string().nullable().meta({ description: 'The retraction that withdrew it' }),
  retraction: z
    .object({
      eventId: z.string(),
      recordedAt: z.string(),
      source: z.unknown().meta({ description: "The retraction's source" }),
      reason: z.string(),
    })
    .nullable()
    .meta({ description: 'The retraction that withdrew it, with when, by whom and why: on every page, wherever the retraction itself is' }),
});

export type HistoryEntry = z.infer<typeof HISTORY_ENTRY>;

const HISTORY_PAGE = z
  .object({
    subject: z.string(),
    events: z.array(HISTORY_ENTRY).meta({ description: 'In log order: every event, or with `limit` one page' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` (with `limit`) for the next page; null on the last one' }),
  })
  .meta({ title: 'History' });

/** `GET …/:id/history`: the events in log order and where the next page starts. */
export type HistoryPage = z.infer<typeof HISTORY_PAGE>;

export const HISTORY_RESPONSE_REF = apiSchema('History', HISTORY_PAGE);
