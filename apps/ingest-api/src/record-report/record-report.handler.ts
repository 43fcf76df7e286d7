import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ReportRecorder } from '../recording/report.recorder';
import { RecordReportCommand, RecordReportResult } from './record-report.command';

/** Records one report: 202 once Kafka has acknowledged it, or why it was not appended. */
@CommandHandler(RecordReportCommand)
export class RecordReportHandler implements ICommandHandler<RecordReportCommand, RecordReportResult> {
  constructor(private readonly recorder: ReportRecorder) {}

  execute({ body, principal }: RecordReportCommand): Promise<RecordReportResult> {
    return this.recorder.record(body, principal);
  }
}
