/** Metadata keys of `@RequireScope` and `@Public()`, read by the scope guard and the route table. */
export const SCOPE_KEY = 'newsledger:scope';
export const PUBLIC_KEY = 'newsledger:public';
