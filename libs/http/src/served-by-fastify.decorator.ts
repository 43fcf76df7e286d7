import { RequestMethod, SetMetadata } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { controllerRoutes } from '@newsledger/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';

const SERVED_BY_FASTIFY = 'newsledger:served-by-fastify';

/** A controller method marked {@link ServedByFastify}: Fastify calls it as the route's handler. */
export type FastifyHandler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * A hot route whose method Fastify calls itself, `(request, reply)`, instead of through Nest's
 * router: no guards, interceptors, pipes or parameter decorators, and no per-request child logger
 * (the request log still writes its line). At single-report load that pipeline cost a quarter of
 * the ingest API's CPU. What matters still happens in Fastify's hooks, for this route as for every
 * other: the rate limit and the key's scope (`request.principal`) before the body is read, the body
 * limit and JSON parser, the request id, security headers, metrics and the request log; an error it
 * throws goes to the app's exception filter through Nest's error handler. The method sets its
 * status itself (`@HttpCode` is for the API document only). The controller's other decorators
 * still declare the route, its access and its document.
 */
export const ServedByFastify = () => SetMetadata(SERVED_BY_FASTIFY, true);

/**
 * The methods marked {@link ServedByFastify}, by their route (`"<METHOD> <path>"`), bound to their
 * controllers: ask once the app is created (before, Nest has not made the instances yet).
 */
export function fastifyServedRoutes(modules: ModulesContainer): Map<string, FastifyHandler> {
  const reflector = new Reflector();
  const served = new Map<string, FastifyHandler>();
  for (const { route, handler, controller, instance } of controllerRoutes(modules)) {
    if (reflector.getAllAndOverride<boolean>(SERVED_BY_FASTIFY, [handler, controller])) {
      served.set(route, (handler as unknown as FastifyHandler).bind(instance));
    }
  }
  return served;
}

/** The same routes in the form Nest's middleware `exclude` takes (known before the instances are), so no Nest middleware runs for them. */
export function fastifyServedExclusions(modules: ModulesContainer): MiddlewareExclusion[] {
  return [...fastifyServedRoutes(modules).keys()].map(middlewareExclusionOf);
}

/** A route to leave out of Nest's middleware. */
export interface MiddlewareExclusion {
  path: string;
  method: RequestMethod;
}

/** `"POST /v1/reports"` as Nest's middleware `exclude` names it: the path without its leading slash, the method as Nest's enum. */
export function middlewareExclusionOf(route: string): MiddlewareExclusion {
  const [method, path] = route.split(' ');
  return { path: path.replace(/^\//, ''), method: method === '*' ? RequestMethod.ALL : RequestMethod[method as keyof typeof RequestMethod] };
}
