import { Controller, Get, Global, Module, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@newsledger/auth';
import { FastifyReply } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HttpMetrics } from './http.metrics';

/**
 * The app's own Prometheus registry. Not prom-client's global one: several apps in one process
 * (as in the tests) would otherwise share and double-register every metric.
 */
export class MetricsRegistry extends Registry {}

/** `GET /metrics`: Prometheus text format. Prometheus sends the key with `authorization: {credentials: …}`. */
@ApiTags('operations')
@Controller('metrics')
@RequireScope('metrics')
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics of this process', description: 'Text exposition format 0.0.4; the process and Node.js defaults plus the `newsledger_*` metrics listed in the README.' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The metrics', schema: { type: 'string' } })
  async metrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.header('content-type', this.registry.contentType);
    return this.registry.metrics();
  }
}

/** `/metrics` (scope `metrics`), the registry each app's own metrics register in, and the HTTP request durations. */
@Global()
@Module({
  providers: [
    {
      provide: MetricsRegistry,
      useFactory: () => {
        const registry = new MetricsRegistry();
        collectDefaultMetrics({ register: registry });
        return registry;
      },
    },
    { provide: HttpMetrics, inject: [MetricsRegistry, HttpAdapterHost], useFactory: (r: MetricsRegistry, host: HttpAdapterHost) => new HttpMetrics(r, host) },
  ],
  controllers: [MetricsController],
  exports: [MetricsRegistry],
})
export class MetricsModule {}
