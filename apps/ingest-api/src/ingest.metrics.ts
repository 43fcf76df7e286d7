import { Injectable } from '@nestjs/common';
import { isEventType } from '@newsledger/domain';
import { MetricsRegistry } from '@newsledger/http';
import { Counter, Histogram } from 'prom-client';

/** How a report sent to the ingest API ended. */
export type ReportResult = 'accepted' | 'duplicate' | 'rejected' | 'conflict' | 'failed';

/** The ingest API's own metrics, in the app's registry. */
@Injectable()
export class IngestMetrics {
  private readonly reports: Counter<'type' | 'result'>;
  private readonly batchLines: Histogram;

  constructor(registry: MetricsRegistry) {
    this.reports = new Counter({
      name: 'newsledger_reports_total',
      help: 'Reports received (single or batch lines) by event type ("unknown" when not a v1 type) and result: accepted, duplicate, rejected (400), conflict (409 id_conflict), failed (not appended)',
      labelNames: ['type', 'result'],
      registers: [registry],
    });
    this.batchLines = new Histogram({
      name: 'newsledger_ingest_batch_lines',
      help: 'Lines per batch request',
      buckets: [1, 10, 100, 500, 1000, 5000, 10_000],
      registers: [registry],
    });
  }

  /** Counts one report; the type label comes from the body only when it is a known type, so clients cannot grow the series. */
  report(type: unknown, result: ReportResult): void {
    this.reports.inc({ type: isEventType(type) ? type : 'unknown', result });
  }

  batch(lines: number): void {
    this.batchLines.observe(lines);
  }
}
