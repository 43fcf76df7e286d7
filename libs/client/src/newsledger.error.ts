/** Codes the client gives failures that carry no error body of the API's own. */
export type ClientSideErrorCode =
  /** No HTTP answer: connection refused or reset, DNS failure, or the per-attempt timeout. */
  | 'unreachable'
  /** An answer that is not the contract's JSON. */
  | 'invalid_response';

/** What a {@link NewsledgerError} is made from. */
export interface NewsledgerErrorInit {
  code: string;
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
  readonly code: string;
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
