import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '@newsledger/auth';
import { FastifyReply } from 'fastify';
import { ERROR_BODY_REF } from './api-docs';
import { ErrorBody } from './error-body';
import { KafkaHealthIndicator } from './kafka.health';

/** `GET /health`: 200 only when both Kafka and PostgreSQL answer; 503 names the one that does not. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
  ) {}

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
      return await this.health.check([() => this.db.pingCheck('postgres', { timeout: 2000 }), () => this.kafka.check()]);
    } catch (e) {
      if (!(e instanceof ServiceUnavailableException)) throw e;
      // Terminus' own 503 would reach the exception filter as a bare "Service Unavailable": answer
      // with the contract's error body instead, naming what is down.
      const details = (e.getResponse() as HealthCheckResult).details;
      const down = Object.entries(details).filter(([, d]) => d.status !== 'up');
      reply.status(503);
      return {
        error: 'unavailable',
        message: `${down.map(([name, d]) => `${name} is down${typeof d.message === 'string' ? ` (${d.message})` : ''}`).join('; ')}; retry when it is back`,
        details: Object.entries(details).map(([dependency, d]) => ({ dependency, ...d })),
      };
    }
  }
}
