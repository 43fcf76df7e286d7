import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ApiResponse, DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addStoryExamples } from './api-examples';
import { DocumentedQueryInterceptor } from './documented-query.interceptor';
import { ERROR_BODY_SCHEMA } from './error-body';
import { EventSchemasController } from './event-schemas.controller';

/** What an API says about itself at the top of its OpenAPI document. */
export interface ApiDocsInfo {
  title: string;
  /** Markdown. */
  description: string;
  /** Which API this is. */
  api: ApiName;
  /**
   * Also serve one document of both APIs (`/docs/all`, `/docs/all-json`), each operation with its
   * own API's server, the other API's part read from its `/docs-json` when asked for.
   */
  combinedWith?: ApiName;
}

/** The two HTTP APIs. */
export type ApiName = 'ingest' | 'query';

/** Injection token of the {@link ApiDocsInfo} of an app that serves `/docs`. */
export const API_DOCS = Symbol('API_DOCS');

/**
 * Self-description of an API: the OpenAPI document (`/docs`, `/docs-json`, set up by
 * `startHttpApp` when this module is imported) and the JSON Schema of every event type
 * (`/v1/schemas`). The document is also the check of query parameters: a GET of a `/v1` route
 * with one it does not name is refused (400 `invalid_query`).
 */
@Module({})
export class ApiDocsModule {
  static register(info: ApiDocsInfo): DynamicModule {
    return {
      module: ApiDocsModule,
      controllers: [EventSchemasController],
      providers: [{ provide: API_DOCS, useValue: info }, { provide: APP_INTERCEPTOR, useClass: DocumentedQueryInterceptor }],
      exports: [API_DOCS],
    };
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
  '503': 'PostgreSQL is unreachable (`database_unavailable`), or stopped a statement that ran too long or was cancelled (`query_timeout`); retry after the seconds in `Retry-After`',
};

/**
 * The OpenAPI 3.1 document of an app, from its controllers' decorators. Each operation's scope
 * (declared once by `RequireScope`) is written into its description, and the answers every
 * route shares (401, 403, 429, 500, 503) are added with the contract's error body.
 */
export function buildApiDocument(app: INestApplication, info: ApiDocsInfo): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        // Not a JWT: an opaque key made by `newsledger keys create` or POST /v1/admin/keys.
        bearerFormat: 'API key',
        description: 'An API key (opaque, not a JWT), as `Authorization: Bearer <key>`; made with `npx newsledger keys create` or `POST /v1/admin/keys`. Each operation names the scope it needs; `admin` holds every scope.',
      },
      BEARER_SCHEME,
    );
  // No server: Swagger UI sends "Try it out" to the origin it was loaded from, which is this API.
  const config = builder.build();
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
  addStoryExamples(doc);
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

const API_TITLES: Record<ApiName, string> = { ingest: 'ingest API', query: 'query API' };

/** An API's part of a combined document: its document (or why it is missing) and its public URL. */
export interface ApiPart {
  api: ApiName;
  url: string;
  document: OpenAPIObject | string;
}

/**
 * One document of both APIs, the ingest API's operations first: each path lists the server(s)
 * that serve it (OpenAPI path-level `servers`; `/health` and `/v1/schemas` are on both), and both
 * servers are listed at the top. Components come from one registry, so a name means the same
 * schema in both. A part that could not be had is named in the description.
 */
export function combineApiDocuments(parts: readonly ApiPart[]): OpenAPIObject {
  const ordered = [...parts].sort((a, b) => a.api.localeCompare(b.api));
  const base = ordered.find((p): p is ApiPart & { document: OpenAPIObject } => typeof p.document !== 'string');
  if (!base) throw new Error('no API document to combine');
  const server = (p: ApiPart) => ({ url: p.url, description: `the ${API_TITLES[p.api]}` });
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const part of ordered) {
    if (typeof part.document === 'string') {
      missing.push(`**The ${API_TITLES[part.api]} is missing here:** ${part.document}`);
      continue;
    }
    Object.assign(schemas, part.document.components?.schemas);
    for (const [path, item] of Object.entries(part.document.paths)) {
      const known = paths[path];
      if (known) (known.servers as unknown[]).push(server(part));
      else paths[path] = { ...item, servers: [server(part)] };
    }
  }
  const doc: OpenAPIObject = base.document;
  return {
    ...doc,
    info: {
      ...doc.info,
      title: 'newsledger ingest and query APIs',
      description: [
        "Both APIs in one document: record reports with the ingest API, read the views with the query API; each operation names its server. Each API's own document is at its /docs.",
        ...missing,
      ].join('\n\n'),
    },
    servers: ordered.map(server),
    paths: paths as OpenAPIObject['paths'],
    components: { ...doc.components, schemas: schemas as NonNullable<OpenAPIObject['components']>['schemas'] },
  };
}

/**
 * Serves the app's OpenAPI document at `/docs-json` and Swagger UI at `/docs`, both public; with
 * `combinedWith`, the document of both APIs at `/docs/all-json` and `/docs/all`, the other API's
 * part fetched from its `/docs-json` on each request (a few KB, rarely asked for), so it is never
 * stale and never needs the other app's code.
 */
export function setupApiDocs(app: INestApplication, info: ApiDocsInfo): void {
  const { client } = app.get<NewsledgerConfig>(CONFIG);
  const urls: Record<ApiName, string> = { ingest: client.ingestUrl, query: client.queryUrl };
  let document: OpenAPIObject | undefined;
  // Built on first request: start-up stays as fast as before, and tests that never ask pay nothing.
  const own = () => (document ??= buildApiDocument(app, info));
  SwaggerModule.setup('docs', app, own, {
    raw: ['json'],
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: info.title,
  });
  const other = info.combinedWith;
  if (!other) return;
  SwaggerModule.setup('docs/all', app, own, {
    raw: ['json'],
    jsonDocumentUrl: 'docs/all-json',
    customSiteTitle: 'newsledger ingest and query APIs',
    // This API's server is where the document was asked from (its configured URL may be 0.0.0.0 in a container); the other's, its public URL.
    patchDocumentOnRequest: async (req, _res, doc) =>
      combineApiDocuments([
        { api: info.api, url: originOf(req as FastifyRequest) ?? urls[info.api], document: doc },
        { api: other, url: urls[other], document: await fetchApiDocument(urls[other]) },
      ]),
  });
}

/** `http://host:port` a request was sent to, from its Host header (and the proxy's `x-forwarded-proto`). */
function originOf(req: FastifyRequest): string | undefined {
  const host = req.headers.host;
  if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return undefined;
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : req.protocol;
  return `${proto}://${host}`;
}

/** The other API's document, or why it could not be had (said in the combined document, not a failure of it). */
async function fetchApiDocument(baseUrl: string): Promise<OpenAPIObject | string> {
  try {
    const res = await fetch(`${baseUrl}/docs-json`, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return `${baseUrl}/docs-json answered ${res.status}.`;
    return (await res.json()) as OpenAPIObject;
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    return `${baseUrl}/docs-json did not answer (${cause}); start it, or set its public URL (NEWSLEDGER_INGEST_URL / NEWSLEDGER_QUERY_URL), and reload.`;
  }
}
