import { ApiHeader } from '@nestjs/swagger';
import { AuditError } from '@newsledger/audit';

/** What a key may be: up to 255 visible ASCII characters (a UUID is the usual one). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` of a request that records an audit job, as sent plain or as a structured
 * field string (`"…"`, the IETF draft's form): a resend of the request with the same key answers
 * the job the first send recorded.
 * @throws AuditError `invalid_audit_request` for a key that is empty, too long or not visible ASCII
 */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = /^".*"$/.test(header) ? header.slice(1, -1) : header;
  if (KEY_PATTERN.test(key)) return key;
  throw new AuditError('invalid_audit_request', 'send an Idempotency-Key of 1 to 255 visible ASCII characters, such as a UUID, or none', {
    issues: [{ path: 'Idempotency-Key', message: `got ${JSON.stringify(header.slice(0, 80))}` }],
  });
}

/** The header in the OpenAPI document of a route that records a job. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Any unique string (a UUID): a resend of the request with the same key (its answer lost) answers the job the first send recorded, even while it runs, instead of recording another',
  });
