import { SubjectKind } from '@newsledger/domain';

/**
 * What a key may do: `ingest` writes reports, `read` reads views and feeds, `audit` exports,
 * rebuilds and verifies, `metrics` reads `/metrics` (a key for Prometheus that can read nothing
 * else), `admin` manages keys and holds every scope.
 */
export const SCOPES = ['ingest', 'read', 'audit', 'metrics', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: the key's name becomes the `ingestor` of the events it writes. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: readonly Scope[];
  /** The only subject kinds it may write reports about; absent: every kind. */
  subjectKinds?: readonly SubjectKind[];
  /**
   * Its key's row was not read for this request (a key this process had read before, on a route
   * marked `@RevocationCheckedAtWrite()`): the write refuses it, in the statement that writes, if
   * the key has been revoked since, with `ApiKeyService.revokedAtWrite`.
   */
  revocationAtWrite?: true;
}

/** Whether the key may write reports about subjects of `kind`. */
export function mayWriteKind(p: Principal, kind: SubjectKind): boolean {
  return p.subjectKinds === undefined || p.subjectKinds.includes(kind);
}

/** `admin` holds every scope. */
export function hasScope(p: Principal, required: Scope): boolean {
  return p.scopes.includes('admin') || p.scopes.includes(required);
}
