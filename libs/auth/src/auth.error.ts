/** Why a request was refused; each API maps these codes to 401/403 in its exception filter. */
export class AuthError extends Error {
  constructor(
    readonly code: 'missing_key' | 'invalid_key' | 'forbidden',
    message: string,
    readonly details?: { required?: string[]; granted?: string[] },
  ) {
    super(message);
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
