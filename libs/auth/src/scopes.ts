export const SCOPES = ['ingest', 'read', 'audit', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: the key's name becomes the `ingestor` of the events it writes. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: readonly Scope[];
}

/** `admin` holds every scope. */
export function hasScope(p: Principal, required: Scope): boolean {
  return p.scopes.includes('admin') || p.scopes.includes(required);
}
