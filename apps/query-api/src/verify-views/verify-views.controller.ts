import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditError, AuditJob, AuditJobsStore } from '@newsledger/audit';
import { CurrentPrincipal, Principal, RequireScope } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { ApiErrorResponse } from '@newsledger/http';
import { FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { ApiIdempotencyKey, idempotencyKeyOf } from '../idempotency-key.header';
import { couldBeStoredId } from '../query-params';
import { AUDIT_JOB } from '../rebuild-views/rebuild-views.controller';

/** How often a request waiting for its verification looks at the job. */
const WAIT_POLL_MS = 200;
/** How long a synchronous verify waits for a projector to take its job before answering 202 instead. */
export const UNCLAIMED_WAIT_MS = 10_000;

const REPORT = { type: 'object', description: 'ok, topic, until (per partition), subjects, events, differenceCount, differences [{subject, field, stored, replayed}], durationMs' };

/** RFC 7240: the client would rather have 202 and a job to follow than wait for the answer. */
function prefersAsync(prefer: string | undefined): boolean {
  return (prefer ?? '').split(',').some((p) => p.trim().split(/[;=\s]/)[0].toLowerCase() === 'respond-async');
}

/**
 * `POST /v1/admin/verify[?limit=N]` records a verification job, which a projector's job worker
 * runs: it replays the whole log in memory and compares it with the stored views. With
 * `Prefer: respond-async` the answer is 202 with the job and its `Location`
 * (`GET /v1/admin/verify/:id`); without it, the request waits for the job and answers with its
 * report, as v1 did. The query API itself never replays.
 */
@ApiTags('audit')
@Controller('v1/admin/verify')
@RequireScope('audit')
export class VerifyViewsController {
  private readonly jobs: AuditJobsStore;

  constructor(
    @InjectDataSource() db: DataSource,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
  ) {
    this.jobs = new AuditJobsStore(db);
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replay the whole log and compare it with the stored views',
    description: 'Recorded as a job that a projector runs. With `Prefer: respond-async`: 202 and the job to follow at `Location`. Without: answers the report when the job is done.',
  })
  @ApiHeader({ name: 'Prefer', required: false, description: '`respond-async`: answer 202 with the job at once' })
  @ApiQuery({ name: 'limit', required: false, description: 'Most differences listed', schema: { type: 'integer', minimum: 0, maximum: 100000, default: 1000 } })
  @ApiOkResponse({ description: 'The report: `ok` false and `differences` listed when any differ', schema: REPORT })
  @ApiResponse({ status: 202, description: 'With `Prefer: respond-async`, or when no projector has taken the job within 10 s: recorded; follow `Location`', schema: AUDIT_JOB, headers: { Location: { description: 'The job: /v1/admin/verify/{id}', schema: { type: 'string' } } } })
  @ApiErrorResponse(400, 'A bad limit (`invalid_audit_request`)')
  @ApiErrorResponse(409, 'The projector refuses the log the views should be compared with (`log_refused`)')
  @ApiIdempotencyKey()
  async verify(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('prefer') prefer?: string,
    @Query('limit') limit?: string,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<unknown> {
    const max = limit === undefined ? 1000 : Number(limit);
    if (!Number.isInteger(max) || max < 0 || max > 100_000) {
      throw new AuditError('invalid_audit_request', 'limit must be a whole number from 0 to 100000', { issues: [{ path: 'limit', message: `got "${limit}"` }] });
    }
    const { kafka } = this.config;
    const job = await this.jobs.create({
      kind: 'verify', topic: kafka.topics.events, group: kafka.projectorGroupId, requestedBy: principal.name, params: { limit: max },
      idempotencyKey: idempotencyKeyOf(idempotencyKey),
    });
    const progressUrl = `/v1/admin/verify/${job.id}`;
    reply.header('location', progressUrl);
    if (prefersAsync(prefer)) {
      reply.status(202).header('preference-applied', 'respond-async');
      return { ...job, progressUrl };
    }
    const unclaimedUntil = Date.now() + UNCLAIMED_WAIT_MS;
    for (;;) {
      await sleep(WAIT_POLL_MS);
      const now = await this.jobs.get(job.id, 'verify');
      if (now?.status === 'done') return now.report;
      // No projector has taken it (none running, or all busy): say so rather than hold the request open.
      if (now?.status === 'running' && now.worker === null && Date.now() > unclaimedUntil) {
        reply.status(202);
        return { ...now, progressUrl, message: `no projector has taken the verification yet; it runs when one does: follow ${progressUrl}` };
      }
      if (now?.status === 'failed') throw (await this.jobs.failureOf(job.id))!;
      // The client went away: the job goes on, and can be read at its Location.
      if (request.raw.socket?.destroyed) return undefined;
    }
  }

  @Get()
  @ApiOperation({ summary: 'The recent verifications' })
  @ApiOkResponse({ description: 'Newest first', schema: { type: 'object', properties: { verifications: { type: 'array', items: AUDIT_JOB } } } })
  async recent(): Promise<{ verifications: AuditJob[] }> {
    return { verifications: await this.jobs.recent('verify', 20) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A verification\'s progress, and its report once done' })
  @ApiOkResponse({ description: 'The verification job; `report` is what `POST` answers without `Prefer: respond-async`', schema: AUDIT_JOB })
  @ApiErrorResponse(404, 'No such verification (`verify_not_found`)')
  async status(@Param('id') id: string): Promise<AuditJob> {
    const job = couldBeStoredId(id) ? await this.jobs.get(id, 'verify') : undefined;
    if (!job) throw new AuditError('verify_not_found', `no verification "${id}"; list them at /v1/admin/verify`, { verifyId: id });
    return job;
  }
}
