import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireScope } from '@newsledger/auth';
import { AcceptsNdjson, ApiErrorResponse } from '@newsledger/http';
import { FastifyReply } from 'fastify';
import { REPORT_REF } from '../record-report/record-report.request.dto';
import { RecordBatchCommand, RecordBatchResult } from './record-batch.command';
import { RECORD_BATCH_RESPONSE_REF } from './record-batch.response.dto';
import { BatchBodyError, MAX_BATCH_LINES, splitBatch } from './batch-body.parser';

@ApiTags('reports')
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
  @ApiOperation({
    summary: 'Record many reports',
    description: `A JSON array of reports, or NDJSON (\`application/x-ndjson\`, one report per line), at most ${MAX_BATCH_LINES} lines. Each line stands or falls alone and is answered by its line number.`,
  })
  @AcceptsNdjson()
  @ApiBody({ schema: { type: 'array', maxItems: MAX_BATCH_LINES, items: REPORT_REF } })
  @ApiResponse({ status: 200, description: 'Every line was appended, found a duplicate or was rejected', schema: RECORD_BATCH_RESPONSE_REF })
  @ApiResponse({ status: 503, description: 'Some lines could not be appended (`failed`); the same body, retry those lines', schema: RECORD_BATCH_RESPONSE_REF })
  @ApiErrorResponse(400, 'The body is not a JSON array or NDJSON, is empty, or has too many lines (`invalid_batch`)')
  @ApiErrorResponse(413, 'Larger than MAX_BATCH_BODY_BYTES (`payload_too_large`)')
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
