import { Command } from '@nestjs/cqrs';
import { Principal } from '@newsledger/auth';
import { RecordReportResult } from './record-report.response.dto';

export type { RecordReportResult } from './record-report.response.dto';

/** Record one report, as sent by an ingestor, on the event log. */
export class RecordReportCommand extends Command<RecordReportResult> {
  constructor(readonly body: unknown, readonly principal: Principal) {
    super();
  }
}
