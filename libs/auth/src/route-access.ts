import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ApiKeyService } from './api-key.service';
import { AuthError } from './auth.error';
import { PUBLIC_KEY, REVOCATION_AT_WRITE_KEY, SCOPE_KEY } from './scope.metadata';
import { hasScope, Principal, Scope } from './scopes';

/**
 * What a route asks of a caller: nothing (public), or a key holding a scope; `revocationAtWrite`
 * when its write checks the key is not revoked (`@RevocationCheckedAtWrite()`).
 */
export type RouteAccess = { public: true } | { public: false; scope: Scope | undefined; revocationAtWrite?: true };

/** Every controller route's access, keyed `"<METHOD> <path>"` as Fastify names the route (`GET /v1/exchanges/:id`). */
export type RouteAccessTable = ReadonlyMap<string, RouteAccess>;

function joinPath(prefix: string, path: string): string {
  return `/${[prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v ?? '')]);

/** A controller method served as a route: `"<METHOD> <path>"` as Fastify names it (`*` for every method). */
export interface ControllerRoute {
  route: string;
  handler: () => void;
  controller: () => void;
  /** the controller's instance (before Nest has made it: an object of its prototype) */
  instance: object;
}

/** Every route the app's controllers declare, with the method and class behind it (for their metadata). */
export function controllerRoutes(modules: ModulesContainer): ControllerRoute[] {
  const scanner = new MetadataScanner();
  const routes: ControllerRoute[] = [];
  for (const wrapper of [...modules.values()].flatMap((m) => [...m.controllers.values()])) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    const controller = wrapper.metatype as (() => void) | undefined;
    if (!instance || !controller) continue;
    const prefixes = asList(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = instance[name] as () => void;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number] ?? 'GET';
      for (const prefix of prefixes) {
        for (const path of asList(paths)) routes.push({ route: `${method === 'ALL' ? '*' : method} ${joinPath(prefix, path)}`, handler, controller, instance });
      }
    }
  }
  return routes;
}

/**
 * Reads every controller's routes with the scope or `@Public()` each declares, so a request can be
 * judged in Fastify's `onRequest` stage, before its body is read. The scope guard reads the same
 * metadata, so both always agree.
 */
export function routeAccessTable(modules: ModulesContainer): RouteAccessTable {
  const reflector = new Reflector();
  const table = new Map<string, RouteAccess>();
  for (const { route, handler, controller } of controllerRoutes(modules)) {
    const targets = [handler, controller];
    table.set(route, reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)
      ? { public: true }
      : {
          public: false,
          scope: reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, targets),
          ...(reflector.getAllAndOverride<boolean>(REVOCATION_AT_WRITE_KEY, targets) ? { revocationAtWrite: true as const } : {}),
        });
  }
  return table;
}

/** The access of the route Fastify matched (`method`, `url` its pattern); undefined for a route no controller declares (e.g. /docs). */
export function accessOf(table: RouteAccessTable, method: string, url: string | undefined): RouteAccess | undefined {
  if (url === undefined) return undefined;
  return table.get(`${method} ${url}`) ?? (method === 'HEAD' ? table.get(`GET ${url}`) : undefined) ?? table.get(`* ${url}`);
}

/** The key of an `Authorization: Bearer <key>` header, if it has one. */
export function bearerKey(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.startsWith('Bearer ') ? value.slice(7).trim() : undefined;
}

/**
 * The caller of a route that needs `required` (undefined: a route that declared no scope, which
 * only `admin` may use, so one added without a scope is closed rather than open).
 * @param opts.revocationAtWrite - the route's write checks the key is not revoked (see `ApiKeyService.authenticate`)
 * @throws AuthError `missing_key`, `invalid_key` or `forbidden`; KeyCheckPausedError
 */
export async function authorize(
  keys: ApiKeyService,
  header: string | string[] | undefined,
  required: Scope | undefined,
  opts: { revocationAtWrite?: boolean } = {},
): Promise<Principal> {
  const principal = await keys.authenticate(bearerKey(header), opts);
  if (!required || !hasScope(principal, required)) {
    throw new AuthError('forbidden', `this endpoint needs the "${required ?? 'admin'}" scope`, {
      required: [required ?? 'admin'],
      granted: [...principal.scopes],
    });
  }
  return principal;
}
