/**
 * The stable codes the ingest and query APIs answer with (the contract's `{"error"}`): each API's
 * own, the audit routes', and those every API shares (keys, limits, framework, database).
 */
export const API_ERROR_CODES = [
  'invalid_report', 'unknown_event', 'id_conflict', 'already_retracted', 'forbidden_subject_kind', 'invalid_batch', 'log_unavailable', 'log_refused',
  'not_found', 'invalid_query', 'invalid_subscription', 'target_not_allowed', 'views_upgrading',
  'invalid_audit_request', 'rebuild_not_found', 'verify_not_found', 'rebuild_running', 'rebuild_differs', 'rebuild_cancelled', 'log_in_use', 'log_unreadable', 'job_failed',
  'missing_key', 'invalid_key', 'forbidden', 'rate_limited', 'kafka_desk_refused', 'kafka_desk_exists', 'kafka_unavailable',
  'invalid_json', 'method_not_allowed', 'payload_too_large', 'unsupported_media_type', 'http_error', 'database_unavailable', 'query_timeout', 'internal',
] as const;

/** One of {@link API_ERROR_CODES}. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Codes the client gives failures that carry no error body of the API's own. */
export type ClientSideErrorCode =
  /** No HTTP answer: connection refused or reset, DNS failure, or the per-attempt timeout. */
  | 'unreachable'
  /** An answer that is not the contract's JSON. */
  | 'invalid_response';

/**
 * What {@link NewsledgerError.code} can be. A server newer than this client may add codes (the
 * contract is extended, never broken): those are passed through as sent, so a `switch` on the code
 * keeps a `default`.
 */
export type NewsledgerErrorCode = ApiErrorCode | ClientSideErrorCode;

/** What a {@link NewsledgerError} is made from. */
export interface NewsledgerErrorInit {
  code: NewsledgerErrorCode;
  message: string;
  /** HTTP status; null when there was no HTTP answer. */
  status: number | null;
  details?: unknown[];
  errorId?: string;
  /** What the server asked for in `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
  /** Attempts made before giving up, the first included. */
  attempts?: number;
  cause?: unknown;
}

/**
 * The only error the client throws: the contract's JSON error (`{"error", "message", "details"?}`)
 * with its HTTP status, or a client-side failure ({@link ClientSideErrorCode}, status null).
 *
 * Switch on `code`: the API's stable codes (`invalid_report`, `id_conflict`, `invalid_query`,
 * `not_found`, `invalid_key`, `forbidden`, `rate_limited`, `log_unavailable`, …) pass through as sent.
 *
 * @example
 * try { await client.view('exchange/ua-ru-2025-05-1000'); }
 * catch (e) { if (e instanceof NewsledgerError && e.code === 'not_found') …; else throw e; }
 */
export class NewsledgerError extends Error {
  override readonly name = 'NewsledgerError';
  readonly code: NewsledgerErrorCode;
  readonly status: number | null;
  /** For `invalid_report` and `invalid_query`: `{path, message}` issues. */
  readonly details: unknown[] | undefined;
  /** On 500s: the id to find the failure in the server's logs. */
  readonly errorId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;

  constructor(init: NewsledgerErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.details = init.details;
    this.errorId = init.errorId;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts ?? 1;
  }

  /** A copy that says how many attempts were made. */
  afterAttempts(attempts: number): NewsledgerError {
    const { code, message, status, details, errorId, retryAfterMs, cause } = this;
    return new NewsledgerError({ code, message, status, details, errorId, retryAfterMs, attempts, cause });
  }
}
