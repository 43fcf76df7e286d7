import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Settled } from '@newsledger/batching';
import { LogUnavailableError } from '@newsledger/event-log';
import { IngestMetrics } from '../ingest.metrics';
import { RecordReportResult } from '../record-report/record-report.command';
import { LogRefusedError } from '../event-log/log-refusal.gate';
import { ReportRecorder } from '../recording/report.recorder';
import { ReportRejectedError } from '../recording/report-rejected.error';
import { BatchLineResult, RecordBatchCommand, RecordBatchResult } from './record-batch.command';

/**
 * Records the lines with the recorder the single report uses, all lines at once (`recordEach`):
 * one group of claims, few Kafka requests, one group of marks. A line the log did not acknowledge
 * is reported as `failed`, so the client retries just those lines.
 */
@CommandHandler(RecordBatchCommand)
export class RecordBatchHandler implements ICommandHandler<RecordBatchCommand, RecordBatchResult> {
  constructor(private readonly recorder: ReportRecorder, private readonly metrics: IngestMetrics) {}

  async execute({ lines, principal }: RecordBatchCommand): Promise<RecordBatchResult> {
    this.metrics.batch(lines.length);
    const parsed = lines.filter((l) => l.parseError === undefined);
    for (let n = lines.length - parsed.length; n > 0; n--) this.metrics.report(undefined, 'rejected');
    const outcomes = await this.recorder.recordEach(parsed.map((l) => l.body), principal);
    let next = 0;
    const results = lines.map(({ line, parseError }): BatchLineResult =>
      parseError === undefined
        ? lineResult(line, outcomes[next++])
        : { line, status: 'rejected', error: 'invalid_json', message: `line ${line} is not valid JSON: ${parseError}` },
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

/** A line's answer; a failure that is neither a rejection nor the log's fails the whole request. */
function lineResult(line: number, outcome: Settled<RecordReportResult>): BatchLineResult {
  if (outcome.ok) {
    const r = outcome.value;
    return { line, status: r.duplicate ? 'duplicate' : 'accepted', eventId: r.eventId, subject: r.subject, partition: r.partition, offset: r.offset };
  }
  const e = outcome.error;
  if (e instanceof ReportRejectedError) {
    return { line, status: 'rejected', error: e.code, message: e.message, ...(e.details.length ? { details: e.details } : {}) };
  }
  if (e instanceof LogUnavailableError) {
    return { line, status: 'failed', error: e.code, message: `${e.message}; retry this line (with its id, so a retry cannot double it)` };
  }
  if (e instanceof LogRefusedError) return { line, status: 'failed', error: e.code, message: e.message };
  throw e;
}
