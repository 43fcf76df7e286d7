import { Controller, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditError, verifyViews, VerifyReport } from '@newsledger/audit';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@newsledger/auth';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { ApiErrorResponse } from '@newsledger/http';
import { KAFKA } from '@newsledger/event-log';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

/**
 * `POST /v1/admin/verify[?limit=N]`: replays the whole log in memory and compares it with the
 * stored views; `ok` is false and `differences` lists up to `limit` (default 1000) when any differ.
 * Answers when the replay is done (seconds for a small log, longer for a large one).
 */
@ApiTags('audit')
@Controller('v1/admin/verify')
@RequireScope('audit')
export class VerifyViewsController {
  /** The verification in progress: one at a time, as each replays the whole log in memory. */
  private running: { startedAt: string } | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay the whole log and compare it with the stored views', description: 'Answers when the replay is done.' })
  @ApiQuery({ name: 'limit', required: false, description: 'Most differences listed', schema: { type: 'integer', minimum: 0, maximum: 100000, default: 1000 } })
  @ApiOkResponse({ description: '`ok` false and `differences` listed when any differ', schema: { type: 'object', description: 'ok, topic, until (per partition), subjects, events, differenceCount, differences [{subject, field, stored, replayed}], durationMs' } })
  @ApiErrorResponse(400, 'A bad limit (`invalid_audit_request`)')
  @ApiErrorResponse(409, 'A verification is already running in this query API (`verify_running`)')
  async verify(@Query('limit') limit?: string): Promise<VerifyReport> {
    const max = limit === undefined ? 1000 : Number(limit);
    if (!Number.isInteger(max) || max < 0 || max > 100_000) {
      throw new AuditError('invalid_audit_request', 'limit must be a whole number from 0 to 100000', { issues: [{ path: 'limit', message: `got "${limit}"` }] });
    }
    if (this.running) {
      throw new AuditError('verify_running', `a verification started at ${this.running.startedAt} is still running; wait for its answer, or ask again when it is done`, this.running);
    }
    const { kafka } = this.config;
    this.running = { startedAt: new Date().toISOString() };
    try {
      return await verifyViews(this.db, this.kafka, {
        topic: kafka.topics.events,
        group: kafka.projectorGroupId,
        groupPrefix: `${kafka.projectorGroupId}.verify`,
        sessionTimeout: kafka.sessionTimeoutMs,
        maxDifferences: max,
      });
    } finally {
      this.running = undefined;
    }
  }
}
