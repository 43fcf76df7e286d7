import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { exportEvents, exportScopeOf } from '@newsledger/audit';
import { RequireScope } from '@newsledger/auth';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';

async function* ndjson(events: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const e of events) yield `${JSON.stringify(e)}\n`;
}

/**
 * `GET /v1/export?subject=…&from=…&to=…`: the event index of one subject (log order) or of a
 * window of recordedAt (`from` inclusive, `to` exclusive), one event per line.
 */
@Controller('v1/export')
@RequireScope('audit')
export class ExportEventsController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  export(@Query() query: { subject?: string; from?: string; to?: string }): StreamableFile {
    const scope = exportScopeOf({ subject: query.subject, from: query.from, to: query.to });
    const name = (scope.subject ?? 'events').replace('/', '-');
    return new StreamableFile(Readable.from(ndjson(exportEvents(this.db, scope))), {
      type: 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="${name}.ndjson"`,
    });
  }
}
