import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { exportEvents, exportScopeOf } from '@newsledger/audit';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '@newsledger/auth';
import { INSTANT_FORMAT } from '@newsledger/domain';
import { ApiErrorResponse } from '@newsledger/http';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';

async function* ndjson(events: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const e of events) yield `${JSON.stringify(e)}\n`;
}

/**
 * `GET /v1/export?subject=…&from=…&to=…`: the event index of one subject (log order) or of a
 * window of recordedAt (`from` inclusive, `to` exclusive), one event per line.
 */
@ApiTags('audit')
@Controller('v1/export')
@RequireScope('audit')
export class ExportEventsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'Export the event index as NDJSON', description: 'One subject in log order, or a window of recordedAt (`from` inclusive, `to` exclusive); one history entry per line.' })
  @ApiQuery({ name: 'subject', required: false, description: 'e.g. `exchange/ua-ru-2025-05-1000`' })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'string', examples: ['2025-05-01T00:00:00Z', '2025-05-01'] }, description: `Recorded at or after this instant: ${INSTANT_FORMAT}; or a date YYYY-MM-DD, from the start of that day (UTC)` })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'string', examples: ['2025-06-01T00:00:00Z', '2025-05-31'] }, description: 'Recorded before this instant, as `from`; a date YYYY-MM-DD counts that whole day (UTC)' })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'The events, one JSON object per line', schema: { type: 'string' } })
  @ApiErrorResponse(400, 'Neither a subject nor a window, or a bad one (`invalid_audit_request`)')
  export(@Query() query: { subject?: string; from?: string; to?: string }): StreamableFile {
    const scope = exportScopeOf({ subject: query.subject, from: query.from, to: query.to });
    const name = (scope.subject ?? 'events').replace('/', '-');
    return new StreamableFile(Readable.from(ndjson(exportEvents(this.db, scope))), {
      type: 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="${name}.ndjson"`,
    });
  }
}
