import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@newsledger/auth';
import { FastifyReply } from 'fastify';
import { ERROR_BODY_REF } from './api-docs';
import { ErrorBody } from './error-body';
import { HEALTH_CHECKS, HealthCheckContributor } from './health-check.contributor';
import { KafkaHealthIndicator } from './kafka.health';

/** `GET /health`: 200 only when both Kafka and PostgreSQL answer; 503 names the one that does not. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly modules: ModuleRef,
  ) {}

  /** The app's own checks, provided under HEALTH_CHECKS in whichever of its modules owns them. */
  private contributed(): HealthCheckContributor[] {
    try {
      return this.modules.get<HealthCheckContributor[]>(HEALTH_CHECKS, { strict: false });
    } catch {
      return [];
    }
  }

  @Get()
  @Public()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Whether Kafka and PostgreSQL answer' })
  @ApiOkResponse({ description: 'Both answer: `{"status": "ok", "info": {"postgres": {"status": "up"}, "kafka": {"status": "up"}}, …}`', schema: { type: 'object' } })
  @ApiResponse({
    status: 503,
    description: 'One is down (`unavailable`): the message names it, details give each dependency\'s status',
    schema: ERROR_BODY_REF,
  })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | ErrorBody> {
    try {
      return await this.health.check([
        () => this.db.pingCheck('postgres', { timeout: 2000 }),
        () => this.kafka.check(),
        ...this.contributed().map((c) => () => c.check()),
      ]);
    } catch (e) {
      if (!(e instanceof ServiceUnavailableException)) throw e;
      // Terminus' own 503 would reach the exception filter as a bare "Service Unavailable": answer
      // with the contract's error body instead, naming what is down.
      const details = (e.getResponse() as HealthCheckResult).details;
      const down = Object.entries(details).filter(([, d]) => d.status !== 'up');
      // A dependency is named and waited for; an app's own check says in its message what to do.
      const what = (name: string, d: Record<string, unknown>) =>
        name !== 'postgres' && name !== 'kafka' && typeof d.message === 'string'
          ? d.message
          : `${name} is down${typeof d.message === 'string' ? ` (${d.message})` : ''}; retry when it is back`;
      reply.status(503);
      return {
        error: 'unavailable',
        message: down.map(([name, d]) => what(name, d)).join('; '),
        details: Object.entries(details).map(([dependency, d]) => ({ dependency, ...d })),
      };
    }
  }
}
