import { Body, Controller, Headers, HttpCode, Inject, PayloadTooLargeException, Post, Res } from '@nestjs/common';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentPrincipal, Principal, RequireScope } from '@newsledger/auth';
import { FastifyReply } from 'fastify';
import { RecordReportCommand, RecordReportResult } from './record-report.command';

@Controller('v1/reports')
export class RecordReportController {
  constructor(private readonly commands: CommandBus, @Inject(CONFIG) private readonly config: NewsledgerConfig) {}

  /** 202 when appended; 200 with `duplicate: true` when the id was already recorded. */
  @Post()
  @HttpCode(202)
  @RequireScope('ingest')
  async record(
    @Body() body: unknown,
    @Headers('content-length') length: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordReportResult> {
    // The server-wide limit is the batch one; a single report has its own, smaller one.
    if (Number(length) > this.config.http.maxBodyBytes) {
      throw new PayloadTooLargeException(`a report body may be at most ${this.config.http.maxBodyBytes} bytes`);
    }
    const result = await this.commands.execute(new RecordReportCommand(body, principal));
    if (result.duplicate) reply.status(200);
    return result;
  }
}
