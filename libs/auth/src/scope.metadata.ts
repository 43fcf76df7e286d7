/** Metadata keys of `@RequireScope` and `@Public()`, read by the scope guard and the route table. */
export const SCOPE_KEY = 'newsledger:scope';
export const PUBLIC_KEY = 'newsledger:public';
/** Metadata key of `@RevocationCheckedAtWrite()`, read by the route table. */
export const REVOCATION_AT_WRITE_KEY = 'newsledger:revocation-at-write';
