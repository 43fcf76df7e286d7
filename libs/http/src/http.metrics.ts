import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Histogram, Registry } from 'prom-client';

/** The route label of a request no route matched: its path would give the series unbounded values. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * `newsledger_http_request_duration_seconds{method,route,status}`: every answered request, by the
 * route's pattern (`/v1/exchanges/:id`, never the id itself) and status code.
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(
    registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.duration = new Histogram({
      name: 'newsledger_http_request_duration_seconds',
      help: 'Time from a request arriving to its answer sent, by method, route pattern and status code (SSE streams count when they end)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      this.observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  /** Records one answered request. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    this.duration.observe({ method, route: route ?? UNMATCHED_ROUTE, status: String(status) }, seconds);
  }
}
