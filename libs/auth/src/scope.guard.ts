import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiSecurity } from '@nestjs/swagger';
import { ApiKeyService } from './api-key.service';
import { authorize } from './route-access';
import { PUBLIC_KEY, REVOCATION_AT_WRITE_KEY, SCOPE_KEY } from './scope.metadata';
import { hasScope, Principal, Scope } from './scopes';

/** Name of the bearer-key security scheme in the OpenAPI documents. */
export const BEARER_SCHEME = 'bearer';

/**
 * The scope a route needs. The same decorator states it in the OpenAPI document (the scope as the
 * security requirement's role, as OpenAPI 3.1 allows), so the document cannot disagree with the guard.
 */
export const RequireScope = (scope: Scope) => applyDecorators(SetMetadata(SCOPE_KEY, scope), ApiSecurity(BEARER_SCHEME, [scope]));
/**
 * Marks a route whose write checks that its key is not revoked, in the same statement: a key this
 * process has read before is taken without reading its row again, before the body is read. The
 * write must then refuse the principal's key if it is revoked (see `Principal.revocationAtWrite`).
 */
export const RevocationCheckedAtWrite = () => SetMetadata(REVOCATION_AT_WRITE_KEY, true);
/** Marks a route that answers without a key: health and the API's own documentation. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The request as the guard leaves it. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/**
 * Global guard: every route must declare a scope or be marked public, so a route added without
 * either is refused rather than left open. The HTTP apps judge the key in Fastify's `onRequest`
 * stage already (before the body is read) and leave the principal on the request; the guard then
 * only confirms the scope, and stays the check for anything that stage did not judge.
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly keys: ApiKeyService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const required = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets);
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    if (req.principal && required && hasScope(req.principal, required)) return true;
    req.principal = await authorize(this.keys, req.headers.authorization, required);
    return true;
  }
}
