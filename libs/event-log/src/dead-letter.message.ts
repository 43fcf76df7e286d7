import { z } from 'zod';
import { OutgoingMessage } from './event-log.producer';

/**
 * What the projector puts on the dead-letter topic for a message of the events topic it could not
 * accept: why, and the original message whole, so it can be fixed and re-published. The type and
 * the published JSON Schema ({@link deadLetterJsonSchema}) both come from this schema.
 */
export const DEAD_LETTER_SCHEMA = z
  .object({
    reason: z.string().meta({ description: 'Why it was refused, e.g. "report failed validation"' }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).meta({ description: 'One per invalid field, as the HTTP API reports them' }),
    original: z
      .object({
        topic: z.string(),
        partition: z.int().min(0),
        offset: z.string().regex(/^\d+$/).meta({ description: 'A Kafka offset (int64, hence a string)' }),
        timestamp: z.string().meta({ description: 'The original message timestamp (ISO instant)' }),
        key: z.string().nullable(),
        value: z.string().nullable().meta({ description: 'The original value as UTF-8 text' }),
      })
      .meta({ description: 'The refused message and where it sits' }),
  })
  .meta({ title: 'DeadLetter' });

export type DeadLetter = z.infer<typeof DEAD_LETTER_SCHEMA>;

/** Kafka header of a dead letter: `<topic>/<partition>/<offset>` of the original, so a re-sent dead letter is recognisable. */
export const DEAD_LETTER_HEADERS = { originalPosition: 'x-original-position' } as const;

/** The message for the dead-letter topic: keyed like the original (by its position when it had no key). */
export function encodeDeadLetter(letter: DeadLetter): OutgoingMessage {
  const { topic, partition, offset, key } = letter.original;
  return {
    key: key ?? `${topic}/${partition}`,
    value: JSON.stringify(letter),
    headers: { [DEAD_LETTER_HEADERS.originalPosition]: `${topic}/${partition}/${offset}` },
  };
}

/** The JSON Schema (draft 2020-12, no `$schema`) of a dead letter. */
export function deadLetterJsonSchema(): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(DEAD_LETTER_SCHEMA, { io: 'input' });
  return schema;
}
