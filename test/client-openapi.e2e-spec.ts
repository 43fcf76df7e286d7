import { INestApplication } from '@nestjs/common';
import { ApiName, CLIENT_ROUTES } from '@newsledger/client';
import { startApi } from '@newsledger/testing';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

type OpenApiDocument = { paths: Record<string, Record<string, unknown>> };

/** Keeps @newsledger/client in step with the APIs: every route it calls is in the OpenAPI document of the API it calls. */
describe('@newsledger/client and the OpenAPI documents', () => {
  const apis = {} as Record<ApiName, { app: INestApplication; url: string }>;
  const documents = {} as Record<ApiName, OpenApiDocument>;

  beforeAll(async () => {
    [apis.ingest, apis.query] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule)]);
    for (const api of ['ingest', 'query'] as const) {
      const res = await fetch(`${apis[api].url}/docs-json`);
      expect(res.status).toBe(200);
      documents[api] = (await res.json()) as OpenApiDocument;
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(apis).map((a) => a?.app.close()));
  });

  it.each(Object.entries(CLIENT_ROUTES))('%s: %j is documented', (_name, route) => {
    const operations = documents[route.api].paths[route.path];
    expect({ path: route.path, methods: Object.keys(operations ?? {}) }).toEqual({ path: route.path, methods: expect.arrayContaining([route.method.toLowerCase()]) });
  });
});
