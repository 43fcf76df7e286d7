import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { ApiResponse, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME } from '@newsledger/auth';
import { z } from 'zod';
import { ERROR_BODY_SCHEMA } from './error-body';
import { EventSchemasController } from './event-schemas.controller';

/** What an API says about itself at the top of its OpenAPI document. */
export interface ApiDocsInfo {
  title: string;
  /** Markdown. */
  description: string;
}

/** Injection token of the {@link ApiDocsInfo} of an app that serves `/docs`. */
export const API_DOCS = Symbol('API_DOCS');

/**
 * Self-description of an API: the OpenAPI document (`/docs`, `/docs-json`, set up by
 * `startHttpApp` when this module is imported) and the JSON Schema of every event type
 * (`/v1/schemas`).
 */
@Module({})
export class ApiDocsModule {
  static register(info: ApiDocsInfo): DynamicModule {
    return { module: ApiDocsModule, controllers: [EventSchemasController], providers: [{ provide: API_DOCS, useValue: info }], exports: [API_DOCS] };
  }
}

/** JSON Schema of a zod schema in draft 2020-12 (the dialect of OpenAPI 3.1), without `$schema`, to sit inside a document. */
export function zodJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  return withoutDialect(z.toJSONSchema(schema, { io, unrepresentable: 'any' }));
}

/** A standalone JSON Schema without its `$schema` keyword, to sit inside a document. */
export function withoutDialect(schema: object): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = schema as Record<string, unknown>;
  return rest;
}

const COMPONENT_PREFIX = '#/components/schemas/';
const COMPONENTS = new Map<string, () => object>();

/**
 * Registers a named schema for the API documents and returns a `$ref` to it. A document gets only
 * the components its operations refer to (directly or through other components), built when the
 * document is; a reference to a name never registered fails the build.
 */
export function apiSchema(name: string, schema: z.ZodType | (() => object)): { $ref: string } {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`"${name}" is not a valid OpenAPI component name`);
  COMPONENTS.set(name, typeof schema === 'function' ? schema : () => zodJsonSchema(schema, 'output'));
  return { $ref: COMPONENT_PREFIX + name };
}

/** The contract's error body. */
export const ERROR_BODY_REF = apiSchema('Error', ERROR_BODY_SCHEMA);

/** An error answer of an operation, with the contract's error body. */
export const ApiErrorResponse = (status: number, description: string) => ApiResponse({ status, description, schema: ERROR_BODY_REF });

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Answers every route can give, so each operation need not repeat them. */
const SECURED_ERRORS: Record<string, string> = {
  '401': 'No key, or an unknown or revoked one (`missing_key`, `invalid_key`)',
  '403': 'The key lacks the scope (`forbidden`; details name the required and granted scopes)',
};
const COMMON_ERRORS: Record<string, string> = {
  '429': 'Too many requests for this key, or a wrong secret sent for its key id (known or not) a moment ago (`rate_limited`); wait for the seconds in `Retry-After`',
  '500': 'Unexpected failure (`internal`); quote the `errorId` when reporting it',
  '503': 'PostgreSQL is unreachable (`database_unavailable`); retry after the seconds in `Retry-After`',
};

/**
 * The OpenAPI 3.1 document of an app, from its controllers' decorators. Each operation's scope
 * (declared once by `RequireScope`) is written into its description, and the answers every
 * route shares (401, 403, 429, 500, 503) are added with the contract's error body.
 */
export function buildApiDocument(app: INestApplication, info: ApiDocsInfo): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key, as `Authorization: Bearer <key>`. Each operation names the scope it needs; `admin` holds every scope.' },
      BEARER_SCHEME,
    )
    .build();
  const doc = SwaggerModule.createDocument(app, config);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const scopes = (op.security ?? []).flatMap((requirement) => requirement[BEARER_SCHEME] ?? []);
      const answers: Record<string, string> = { ...(scopes.length > 0 ? SECURED_ERRORS : {}), ...COMMON_ERRORS };
      // Health is never rate-limited (a probe must not be refused).
      if (path === '/health') delete answers['429'];
      if (scopes.length > 0) {
        op.description = joinParagraphs(op.description, `**Scope:** ${scopes.map((s) => `\`${s}\``).join(', ')} (an \`admin\` key holds every scope).`);
      } else {
        op.security = [];
        op.description = joinParagraphs(op.description, '**Public:** no key needed.');
      }
      for (const [status, description] of Object.entries(answers)) {
        op.responses[status] ??= { description, content: { 'application/json': { schema: ERROR_BODY_REF } } };
      }
    }
  }
  addReferencedComponents(doc);
  return doc;
}

function joinParagraphs(...parts: (string | undefined)[]): string {
  return parts.filter((p) => p !== undefined && p !== '').join('\n\n');
}

/** Adds every registered component the document refers to, following references between components. */
function addReferencedComponents(doc: OpenAPIObject): void {
  doc.components ??= {};
  const schemas = (doc.components.schemas ??= {});
  const pending: unknown[] = [doc.paths];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(COMPONENT_PREFIX)) {
        const name = value.slice(COMPONENT_PREFIX.length);
        if (name in schemas) continue;
        const make = COMPONENTS.get(name);
        if (!make) throw new Error(`the API document refers to schema "${name}", which no apiSchema() registered`);
        schemas[name] = make();
        pending.push(schemas[name]);
      } else {
        pending.push(value);
      }
    }
  }
}

/** Serves the app's OpenAPI document at `/docs-json` and Swagger UI at `/docs`, both public. */
export function setupApiDocs(app: INestApplication, info: ApiDocsInfo): void {
  let document: OpenAPIObject | undefined;
  // Built on first request: start-up stays as fast as before, and tests that never ask pay nothing.
  SwaggerModule.setup('docs', app, () => (document ??= buildApiDocument(app, info)), {
    raw: ['json'],
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: info.title,
  });
}
