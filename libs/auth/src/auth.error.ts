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
