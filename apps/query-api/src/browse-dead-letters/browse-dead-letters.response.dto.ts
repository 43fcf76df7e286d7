import { DEAD_LETTER_PREVIEW_CHARS } from '@newsledger/event-log';
import { z } from 'zod';

const EXAMPLE = {
  position: '41',
  arrivedAt: '2025-05-23T10:00:01.204Z',
  reason: 'id_conflict: id "swap-agreed" was already used for a different report; publish it with a new id',
  originalPosition: 'newsledger.events/3/1187',
  key: 'exchange/ua-ru-2025-05-1000',
  issues: [],
  preview: '{"specversion":"1.0","id":"swap-agreed","type":"exchange.agreed","source":"newsledger/ingest","subject":"exchange/ua-ru-2025-05-1000",…',
  bytes: 612,
  previewTruncated: true,
};

/** One page of `GET /v1/admin/dead-letters`, as the OpenAPI document shows it. */
export const DEAD_LETTERS_PAGE_SCHEMA = z
  .object({
    letters: z
      .array(
        z.object({
          position: z.string().meta({ description: 'Offset on the dead-letter topic (one partition)' }),
          arrivedAt: z.string().meta({ description: 'When it reached the dead-letter topic (ISO instant)' }),
          reason: z.string().meta({ description: 'Why it was refused; starts with a code such as `id_conflict:` or `wrong_partition:` when it has one' }),
          originalPosition: z.string().nullable().meta({ description: '`<topic>/<partition>/<offset>` of the refused message' }),
          key: z.string().nullable().meta({ description: "The refused message's key" }),
          issues: z.array(z.object({ path: z.string(), message: z.string() })).meta({ description: 'One per invalid field' }),
          preview: z.string().nullable().meta({ description: `The first ${DEAD_LETTER_PREVIEW_CHARS} characters of the refused message (UTF-8)` }),
          bytes: z.number().int().nullable().meta({ description: "The refused message's length in bytes" }),
          previewTruncated: z.boolean().meta({ description: 'True when `preview` is not the whole message' }),
        }),
      )
      .meta({ description: 'Newest first (highest offset first)' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for older letters; null on the oldest page' }),
    total: z.number().int().meta({ description: 'Dead letters the topic holds now' }),
  })
  .meta({ title: 'DeadLettersPage', examples: [{ letters: [EXAMPLE], nextCursor: '40', total: 42 }] });

export type DeadLettersPage = z.infer<typeof DEAD_LETTERS_PAGE_SCHEMA>;
