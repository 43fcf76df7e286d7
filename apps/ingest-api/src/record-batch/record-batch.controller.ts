import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentPrincipal, Principal, RequireScope } from '@newsledger/auth';
import { FastifyReply } from 'fastify';
import { RecordBatchCommand, RecordBatchResult } from './record-batch.command';
import { BatchBodyError, splitBatch } from './batch-body.parser';

@Controller('v1/reports/batch')
export class RecordBatchController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * A JSON array or NDJSON (`application/x-ndjson`). Answers 200 with a result per line; 503 with
   * the same body when some lines could not be appended (retry those).
   */
  @Post()
  @HttpCode(200)
  @RequireScope('ingest')
  async record(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordBatchResult> {
    const lines = splitBatch(body, contentType);
    if (lines.length === 0) throw new BatchBodyError('the batch is empty; send at least one report');
    const result = await this.commands.execute(new RecordBatchCommand(lines, principal));
    if (result.failed > 0) reply.status(503).header('retry-after', '5');
    return result;
  }
}
