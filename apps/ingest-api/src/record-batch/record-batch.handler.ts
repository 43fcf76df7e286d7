import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { LogUnavailableError } from '@newsledger/event-log';
import { IngestMetrics } from '../ingest.metrics';
import { RecordReportHandler } from '../record-report/record-report.handler';
import { ReportRejectedError } from '../record-report/record-report.error';
import { RecordReportCommand } from '../record-report/record-report.command';
import { BatchLineResult, RecordBatchCommand, RecordBatchResult } from './record-batch.command';

/**
 * Runs every line through the single-report use case at once; the producer groups the appends
 * into few Kafka requests. A line the log did not acknowledge is reported as `failed`, so the
 * client retries just those lines.
 */
@CommandHandler(RecordBatchCommand)
export class RecordBatchHandler implements ICommandHandler<RecordBatchCommand, RecordBatchResult> {
  constructor(private readonly single: RecordReportHandler, private readonly metrics: IngestMetrics) {}

  async execute({ lines, principal }: RecordBatchCommand): Promise<RecordBatchResult> {
    this.metrics.batch(lines.length);
    const results = await Promise.all(
      lines.map(async ({ line, body, parseError }): Promise<BatchLineResult> => {
        if (parseError !== undefined) {
          this.metrics.report(undefined, 'rejected');
          return { line, status: 'rejected', error: 'invalid_json', message: `line ${line} is not valid JSON: ${parseError}` };
        }
        try {
          const r = await this.single.execute(new RecordReportCommand(body, principal));
          return { line, status: r.duplicate ? 'duplicate' : 'accepted', eventId: r.eventId, subject: r.subject, partition: r.partition, offset: r.offset };
        } catch (e) {
          if (e instanceof ReportRejectedError) {
            return { line, status: 'rejected', error: e.code, message: e.message, ...(e.details.length ? { details: e.details } : {}) };
          }
          if (e instanceof LogUnavailableError) {
            return { line, status: 'failed', error: e.code, message: `${e.message}; retry this line (with its id, so a retry cannot double it)` };
          }
          throw e;
        }
      }),
    );
    return {
      accepted: results.filter((r) => r.status === 'accepted').length,
      duplicates: results.filter((r) => r.status === 'duplicate').length,
      rejected: results.filter((r) => r.status === 'rejected').length,
      failed: results.filter((r) => r.status === 'failed').length,
      results,
    };
  }
}
