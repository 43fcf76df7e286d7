/** Stable codes of a refused request, each with the shape of its `details`. */
export interface AuthErrorDetails {
  /** No `Authorization: Bearer <key>`; no details. */
  missing_key: undefined;
  /** A key that is malformed, unknown or revoked; no details. */
  invalid_key: undefined;
  /** A key without the route's scope: what it needs and what the key has. */
  forbidden: { required: string[]; granted: string[] };
}

/** One of the stable codes in {@link AuthErrorDetails}. */
export type AuthErrorCode = keyof AuthErrorDetails;

/** The details argument: required unless the code has none. */
type DetailsArg<C extends AuthErrorCode> = AuthErrorDetails[C] extends undefined ? [] : [details: AuthErrorDetails[C]];

/**
 * Why a request was refused; each API maps these codes to 401/403 in its exception filter.
 * Switch on `code`; `details` is typed by it.
 */
export class AuthError<C extends AuthErrorCode = AuthErrorCode> extends Error {
  override readonly name = 'AuthError';
  readonly details: AuthErrorDetails[C];

  constructor(readonly code: C, message: string, ...[details]: DetailsArg<C>) {
    super(message);
    this.details = details as AuthErrorDetails[C];
  }

  /** Narrows `details` to the shape of `code`. */
  is<K extends AuthErrorCode>(code: K): this is AuthError<K> {
    return (this.code as AuthErrorCode) === code;
  }
}

/**
 * A key's secret was not checked because a wrong one was sent for its key id moments ago. It says
 * nothing about this secret, which may well be right; each API answers 429 `rate_limited` with
 * `Retry-After`, like a request over the rate limit, so a client retries instead of giving up.
 */
export class KeyCheckPausedError extends Error {
  readonly code = 'rate_limited';

  constructor(
    /** whole seconds until the key id is checked again (at least 1) */
    readonly retryAfterSeconds: number,
  ) {
    super(`a wrong secret was just sent for this key id, so its keys are not checked for a moment; retry in ${retryAfterSeconds} s (the seconds in Retry-After)`);
  }
}
