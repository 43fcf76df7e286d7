import { ArgumentsHost } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { NewsledgerConfig } from '@newsledger/config';
import { FastifyRequest } from 'fastify';

/** The settings a route's body limit can be. */
export type BodyLimitSetting = 'maxBodyBytes' | 'maxBatchBodyBytes';

/** Where {@link RouteBodyLimit} leaves its setting in the route's Fastify config, for `startHttpApp`. */
export const ROUTE_BODY_LIMIT = 'newsledgerBodyLimit';

/**
 * Gives a route a body limit of its own, the configured `setting` (in bytes), below the server's.
 * Fastify then refuses a larger body (chunked too, counted as it is read) before buffering it,
 * and the 413 states this limit; `startHttpApp` applies it as the routes are registered.
 */
export const RouteBodyLimit = (setting: BodyLimitSetting) => RouteConfig({ [ROUTE_BODY_LIMIT]: setting });

/** The limit in bytes a route's config asks for through {@link RouteBodyLimit}, if any. */
export function routeBodyLimit(routeConfig: unknown, config: () => NewsledgerConfig): number | undefined {
  const setting = (routeConfig as Record<string, unknown> | undefined)?.[ROUTE_BODY_LIMIT] as BodyLimitSetting | undefined;
  return setting === undefined ? undefined : config().http[setting];
}

/** The body limit of the route a failed request was for, to say it in a 413. */
export function bodyLimitOf(host: ArgumentsHost): number | undefined {
  return host.switchToHttp().getRequest<FastifyRequest | undefined>()?.routeOptions?.bodyLimit;
}
