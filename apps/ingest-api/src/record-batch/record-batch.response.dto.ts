import { apiSchema } from '@newsledger/http';
import { z } from 'zod';

const ISSUE = z.object({ path: z.string(), message: z.string() });

/** The outcome of one line of a batch (lines count from 1). */
const LINE_RESULT = z.union([
  z.object({
    line: z.int().min(1),
    status: z.enum(['accepted', 'duplicate']),
    eventId: z.string(),
    subject: z.string(),
    partition: z.int().min(0),
    offset: z.string().regex(/^\d+$/),
  }),
  z.object({
    line: z.int().min(1),
    status: z.enum(['rejected', 'failed']).meta({ description: 'failed: the log did not acknowledge it; retry the line with its id' }),
    error: z.string(),
    message: z.string(),
    details: z.array(ISSUE).optional(),
  }),
]);

/** What recording a batch answers; the types and the API document both come from this schema. */
export const RECORD_BATCH_RESPONSE = z
  .object({
    accepted: z.int().min(0),
    duplicates: z.int().min(0),
    rejected: z.int().min(0),
    failed: z.int().min(0).meta({ description: 'Lines the log did not acknowledge: retry them' }),
    results: z.array(LINE_RESULT),
  })
  .meta({ title: 'RecordedBatch' });

export type BatchLineResult = z.infer<typeof LINE_RESULT>;
export type RecordBatchResult = z.infer<typeof RECORD_BATCH_RESPONSE>;

export const RECORD_BATCH_RESPONSE_REF = apiSchema('RecordedBatch', RECORD_BATCH_RESPONSE);
