import { apiSchema } from '@newsledger/http';
import { z } from 'zod';

/** What recording one report answers; the type and the API document both come from this schema. */
export const RECORD_REPORT_RESPONSE = z
  .object({
    eventId: z.string().meta({ description: 'The report id, given or assigned' }),
    subject: z.string(),
    partition: z.int().min(0),
    offset: z.string().regex(/^\d+$/).meta({ description: 'A Kafka offset (int64, hence a string)' }),
    duplicate: z.boolean().meta({ description: 'true when the id was already recorded: nothing new was appended' }),
  })
  .meta({ title: 'RecordedReport' });

export type RecordReportResult = z.infer<typeof RECORD_REPORT_RESPONSE>;

export const RECORD_REPORT_RESPONSE_REF = apiSchema('RecordedReport', RECORD_REPORT_RESPONSE);
