import { STORABLE, ValidationIssue } from '@newsledger/domain';
import { z } from 'zod';
import { FeedFilter, parseFeedFilter } from '../follow-status-changes/feed-filter';

/** The body of `POST /v1/subscriptions` (the filter's values are checked like the SSE feed's). */
export const CREATE_SUBSCRIPTION_REQUEST = z.strictObject({
  url: z.string().max(2048).regex(...STORABLE).meta({ description: 'An http(s) URL; loopback and private ranges are refused unless WEBHOOK_ALLOW_PRIVATE_TARGETS' }),
  secret: z.string().min(16, 'at least 16 characters').max(256).regex(...STORABLE).meta({ description: 'The HMAC-SHA256 key of Newsledger-Signature' }),
  filter: z
    .strictObject({ subject: z.unknown(), kind: z.unknown(), field: z.unknown() })
    .partial()
    .optional()
    .meta({ description: 'As the SSE feed: each a value or a list; subject, kind (exchange|negotiation), field (status|reportedStatus|corroboration|dispute)' }),
});

/** `POST /v1/subscriptions` once read. */
export interface CreateSubscriptionRequest {
  url: string;
  secret: string;
  filter: FeedFilter;
}

/** Reads the body of `POST /v1/subscriptions`; the filter is the SSE feed's (`subject`, `kind`, `field`). */
export function parseCreateSubscription(body: unknown): { ok: true; request: CreateSubscriptionRequest } | { ok: false; issues: ValidationIssue[] } {
  const parsed = CREATE_SUBSCRIPTION_REQUEST.safeParse(body);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  const filter = parseFeedFilter(parsed.data.filter ?? {});
  if (!filter.ok) return { ok: false, issues: filter.issues.map((i) => ({ ...i, path: `filter.${i.path}` })) };
  return { ok: true, request: { url: parsed.data.url, secret: parsed.data.secret, filter: filter.filter } };
}
