import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiConsumes } from '@nestjs/swagger';
import { controllerRoutes } from '@newsledger/auth';
import { ModulesContainer, Reflector } from '@nestjs/core';

const NDJSON_KEY = 'newsledger:ndjson';

/**
 * A route that takes NDJSON (`application/x-ndjson`) besides JSON; `startHttpApp` answers NDJSON
 * sent to any other route with the 415. The OpenAPI document states the same, from this decorator.
 */
export const AcceptsNdjson = () => applyDecorators(SetMetadata(NDJSON_KEY, true), ApiConsumes('application/json', 'application/x-ndjson'));

/** The routes (`"<METHOD> <path>"`) marked {@link AcceptsNdjson}. */
export function ndjsonRoutes(modules: ModulesContainer): ReadonlySet<string> {
  const reflector = new Reflector();
  return new Set(controllerRoutes(modules).filter((r) => reflector.getAllAndOverride<boolean>(NDJSON_KEY, [r.handler, r.controller])).map((r) => r.route));
}
