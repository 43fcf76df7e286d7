import { Command } from '@nestjs/cqrs';
import { Principal } from '@newsledger/auth';

/** What recording one report answers. */
export interface RecordReportResult {
  eventId: string;
  subject: string;
  partition: number;
  offset: string;
  duplicate: boolean;
}

/** Record one report, as sent by an ingestor, on the event log. */
export class RecordReportCommand extends Command<RecordReportResult> {
  constructor(readonly body: unknown, readonly principal: Principal) {
    super();
  }
}
