import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DECORATORS } from '@nestjs/swagger';
import { closestWord, ValidationIssue } from '@newsledger/domain';
import { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';

/** A query parameter the endpoint does not take: refused, so a typo never widens an answer to everything. */
export class UnknownQueryParamError extends Error {
  readonly code = 'invalid_query';

  constructor(
    message: string,
    readonly details: ValidationIssue[],
  ) {
    super(message);
  }
}

/**
 * The query parameters a route takes: those its API document names (`@ApiQuery`, on the method or
 * the controller) and those a handler reads by name (`@Query('x')`), so the document and the check
 * cannot disagree.
 */
export function documentedQueryParams(controller: new (...args: never[]) => unknown, handler: (...args: unknown[]) => unknown): string[] {
  const names = new Set<string>();
  // A controller-level @ApiQuery is copied onto each of its methods.
  const params = (Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler) ?? []) as { in?: string; name?: string }[];
  for (const p of params) if (p.in === 'query' && typeof p.name === 'string') names.add(p.name);
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<string, { data?: unknown }>;
  for (const [key, arg] of Object.entries(args)) {
    if (key.startsWith(`${RouteParamtypes.QUERY}:`) && typeof arg.data === 'string') names.add(arg.data);
  }
  return [...names];
}

/** The error for `unknown` parameters of `route`, each with a "did you mean" hint when one is close. */
export function unknownQueryParamError(route: string, unknown: readonly string[], allowed: readonly string[]): UnknownQueryParamError {
  const takes = allowed.length > 0 ? `takes ${allowed.join(', ')}` : 'takes no query parameters';
  const shown = (name: string) => JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
  const hint = (name: string) => {
    const close = allowed.length > 0 ? closestWord(name, allowed) : undefined;
    return close ? ` (did you mean "${close}"?)` : '';
  };
  const listed = unknown.slice(0, 10);
  const message = `unknown query parameter${listed.length > 1 ? 's' : ''} ${listed.map((n) => `${shown(n)}${hint(n)}`).join(', ')}; ${route} ${takes}`;
  return new UnknownQueryParamError(
    message,
    listed.map((name) => ({ path: name, message: `is not a parameter of ${route}${hint(name)}; ${allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : 'it takes none'}` })),
  );
}

/**
 * Refuses a GET of an API route (`/v1/…`) carrying a query parameter its document does not name,
 * with 400 `invalid_query`, instead of answering as if it were absent: `?staus=agreed` would
 * otherwise list everything. Runs after the guards, so a request without a key is still a 401.
 */
@Injectable()
export class DocumentedQueryInterceptor implements NestInterceptor {
  private readonly allowed = new WeakMap<object, string[]>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const path = req.url.split('?')[0];
    if (req.method !== 'GET' || !path.startsWith('/v1/')) return next.handle();
    const handler = context.getHandler() as (...args: unknown[]) => unknown;
    let allowed = this.allowed.get(handler);
    if (!allowed) this.allowed.set(handler, (allowed = documentedQueryParams(context.getClass(), handler)));
    const given = Object.keys((req.query ?? {}) as object);
    const unknown = given.filter((name) => !allowed.includes(name));
    if (unknown.length > 0) throw unknownQueryParamError(`GET ${req.routeOptions?.url ?? path}`, unknown, allowed);
    return next.handle();
  }
}
