import { CONFIRMATIONS, CORROBORATION_LEVELS, EVIDENCE_ROLES, SOURCE_KINDS } from '@newsledger/domain';
import { apiSchema } from '@newsledger/http';
import { z } from 'zod';

const EVIDENCE = z.object({
  eventId: z.string(),
  type: z.string(),
  confirmation: z.enum(CONFIRMATIONS),
  source: z.looseObject({ name: z.string(), kind: z.enum(SOURCE_KINDS) }),
  occurredAt: z.string().optional(),
  recordedAt: z.string(),
  role: z.enum(EVIDENCE_ROLES),
});

/** The body of `GET /v1/{exchanges|negotiations}/:id/explain` (the domain's `Explanation`). */
export const EXPLANATION_RESPONSE_REF = apiSchema(
  'Explanation',
  z
    .object({
      subject: z.string(),
      facts: z.array(
        z.object({
          field: z.string().meta({ examples: ['status', 'reportedStatus', 'released.RU', 'disputes.released.RU'] }),
          value: z.unknown(),
          level: z.enum(CORROBORATION_LEVELS).nullable().optional(),
          sentence: z.string(),
          evidence: z.array(EVIDENCE),
        }),
      ),
    })
    .meta({ title: 'Explanation', description: 'Why a view reads as it does: each fact with the reports behind it (contract §7.4)' }),
);
