import type { OpenAPIObject } from '@nestjs/swagger';
import { combineApiDocuments } from './api-docs';

const doc = (title: string, paths: Record<string, object>, schemas: Record<string, object>): OpenAPIObject => ({
  openapi: '3.1.0',
  info: { title, version: '1' },
  paths: paths as OpenAPIObject['paths'],
  components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'API key' } } },
});

describe('the combined API document', () => {
  const ingest = doc('newsledger ingest API', { '/v1/reports': { post: { summary: 'Record' } }, '/health': { get: { summary: 'Health' } } }, { Report: { type: 'object' } });
  const query = doc('newsledger query API', { '/v1/exchanges': { get: { summary: 'List' } }, '/health': { get: { summary: 'Health' } } }, { ExchangeView: { type: 'object' } });

  it('lists both servers, gives each path the server(s) that serve it, and keeps both sets of components', () => {
    const both = combineApiDocuments([
      { api: 'query', url: 'http://127.0.0.1:3001', document: query },
      { api: 'ingest', url: 'http://127.0.0.1:3000', document: ingest },
    ]);
    expect(both.servers).toEqual([
      { url: 'http://127.0.0.1:3000', description: 'the ingest API' },
      { url: 'http://127.0.0.1:3001', description: 'the query API' },
    ]);
    expect(Object.keys(both.paths)).toEqual(['/v1/reports', '/health', '/v1/exchanges']);
    expect(both.paths['/v1/reports'].servers).toEqual([{ url: 'http://127.0.0.1:3000', description: 'the ingest API' }]);
    expect(both.paths['/v1/exchanges'].servers).toEqual([{ url: 'http://127.0.0.1:3001', description: 'the query API' }]);
    expect(both.paths['/health'].servers?.map((s) => s.url)).toEqual(['http://127.0.0.1:3000', 'http://127.0.0.1:3001']);
    expect(Object.keys(both.components?.schemas ?? {}).sort()).toEqual(['ExchangeView', 'Report']);
    expect(both.components?.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'API key' } });
    expect(both.info.title).toBe('newsledger ingest and query APIs');
    // The parts are left as they were.
    expect(query.paths['/health']).not.toHaveProperty('servers');
  });

  it('says which part is missing, and why, when the other API did not answer', () => {
    const one = combineApiDocuments([
      { api: 'query', url: 'http://127.0.0.1:3001', document: query },
      { api: 'ingest', url: 'http://127.0.0.1:3000', document: 'http://127.0.0.1:3000/docs-json did not answer (ECONNREFUSED)' },
    ]);
    expect(Object.keys(one.paths)).toEqual(['/v1/exchanges', '/health']);
    expect(one.info.description).toContain('**The ingest API is missing here:** http://127.0.0.1:3000/docs-json did not answer (ECONNREFUSED)');
    expect(one.servers?.map((s) => s.url)).toEqual(['http://127.0.0.1:3000', 'http://127.0.0.1:3001']);
  });
});
