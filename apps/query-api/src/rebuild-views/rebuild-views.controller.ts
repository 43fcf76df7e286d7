import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditError, AuditJob, AuditJobsStore } from '@newsledger/audit';
import { CurrentPrincipal, Principal, RequireScope } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { apiSchema, ApiErrorResponse } from '@newsledger/http';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { ApiIdempotencyKey, idempotencyKeyOf } from '../idempotency-key.header';
import { couldBeStoredId } from '../query-params';

const rebuildRequest = z.strictObject({ abortOnDifference: z.boolean().optional() }).optional();

/** The rebuild job as every answer gives it. */
export const AUDIT_JOB = {
  type: 'object',
  description:
    'id, kind, status (running until it ends: done|failed), phase (preparing — also while no worker has taken it — building, switching; replaying for a verification; done, failed), ' +
    'progress {applied, target, percent}, worker (null while waiting for one), attempts, startedAt, updatedAt, finishedAt, report, error, errorCode',
};

/**
 * `POST /v1/admin/rebuild` records a rebuild job, which a projector's job worker runs (202, with
 * the job and its `Location`); `GET /v1/admin/rebuild/:id` follows it; `GET /v1/admin/rebuild`
 * lists the recent ones. One rebuild runs at a time, whoever asks.
 */
@ApiTags('audit')
@Controller('v1/admin/rebuild')
@RequireScope('audit')
export class RebuildViewsController {
  private readonly jobs: AuditJobsStore;

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
  ) {
    this.jobs = new AuditJobsStore(db);
  }

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild every view from the start of the log, without downtime', description: 'Recorded as a job that a projector runs; follow `Location` (also `progressUrl`).' })
  @ApiBody({ required: false, schema: apiSchema('RebuildRequest', rebuildRequest.unwrap()) })
  @ApiResponse({ status: 202, description: 'Recorded; follow `Location`', schema: AUDIT_JOB, headers: { Location: { description: 'The job: /v1/admin/rebuild/{id}', schema: { type: 'string' } } } })
  @ApiErrorResponse(400, 'A bad body (`invalid_audit_request`)')
  @ApiErrorResponse(409, 'A rebuild is already running (`rebuild_running`), other than one this request\'s `Idempotency-Key` recorded')
  @ApiIdempotencyKey()
  async start(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    const parsed = rebuildRequest.safeParse(body ?? undefined);
    if (!parsed.success) {
      throw new AuditError('invalid_audit_request', 'send no body, or {"abortOnDifference": true} to refuse a switch that would change any view', {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const { kafka } = this.config;
    const job = await this.jobs.create({
      kind: 'rebuild',
      topic: kafka.topics.events,
      group: kafka.projectorGroupId,
      requestedBy: principal.name,
      params: { abortOnDifference: parsed.data?.abortOnDifference ?? false },
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
    });
    const progressUrl = `/v1/admin/rebuild/${job.id}`;
    reply.header('location', progressUrl);
    return { ...job, progressUrl };
  }

  @Get()
  @ApiOperation({ summary: 'The recent rebuilds' })
  @ApiOkResponse({ description: 'Newest first', schema: { type: 'object', properties: { rebuilds: { type: 'array', items: AUDIT_JOB } } } })
  async recent(): Promise<{ rebuilds: AuditJob[] }> {
    return { rebuilds: await this.jobs.recent('rebuild', 20) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A rebuild\'s progress and final report' })
  @ApiOkResponse({ description: 'The rebuild job', schema: AUDIT_JOB })
  @ApiErrorResponse(404, 'No such rebuild (`rebuild_not_found`)')
  async status(@Param('id') id: string): Promise<AuditJob> {
    const job = couldBeStoredId(id) ? await this.jobs.get(id, 'rebuild') : undefined;
    if (!job) throw new AuditError('rebuild_not_found', `no rebuild "${id}"; list them at /v1/admin/rebuild`, { rebuildId: id });
    return job;
  }
}
