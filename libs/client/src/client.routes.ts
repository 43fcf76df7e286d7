/** Which of the two APIs serves a route. */
export type ApiName = 'ingest' | 'query';

/** One HTTP route the client calls; path parameters are written `{name}`, as in OpenAPI. */
export interface ClientRoute {
  api: ApiName;
  method: 'GET' | 'POST';
  path: string;
}

/**
 * Every route the client calls, by the client method that calls it. Requests are built from this
 * table only, so a test can hold it against the APIs' OpenAPI documents.
 */
export const CLIENT_ROUTES = {
  recordReport: { api: 'ingest', method: 'POST', path: '/v1/reports' },
  recordBatch: { api: 'ingest', method: 'POST', path: '/v1/reports/batch' },
  listExchanges: { api: 'query', method: 'GET', path: '/v1/exchanges' },
  listNegotiations: { api: 'query', method: 'GET', path: '/v1/negotiations' },
  getExchange: { api: 'query', method: 'GET', path: '/v1/exchanges/{id}' },
  getNegotiation: { api: 'query', method: 'GET', path: '/v1/negotiations/{id}' },
  getExchangeHistory: { api: 'query', method: 'GET', path: '/v1/exchanges/{id}/history' },
  getNegotiationHistory: { api: 'query', method: 'GET', path: '/v1/negotiations/{id}/history' },
  explainExchange: { api: 'query', method: 'GET', path: '/v1/exchanges/{id}/explain' },
  explainNegotiation: { api: 'query', method: 'GET', path: '/v1/negotiations/{id}/explain' },
  followStatusChanges: { api: 'query', method: 'GET', path: '/v1/feed/status-changes' },
  startRebuild: { api: 'query', method: 'POST', path: '/v1/admin/rebuild' },
  getRebuild: { api: 'query', method: 'GET', path: '/v1/admin/rebuild/{id}' },
  startVerify: { api: 'query', method: 'POST', path: '/v1/admin/verify' },
  getVerify: { api: 'query', method: 'GET', path: '/v1/admin/verify/{id}' },
} as const satisfies Record<string, ClientRoute>;

export type ClientRouteName = keyof typeof CLIENT_ROUTES;

/** The route's path with its `{name}` parameters filled in (URL-encoded). */
export function routePath(route: ClientRoute, params: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`route ${route.path} needs the parameter "${name}"`);
    return encodeURIComponent(value);
  });
}
