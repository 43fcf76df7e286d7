import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Report, validateReport } from '@newsledger/domain';
import { toCloudEvent } from '@newsledger/event-log';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventsProducer } from '../event-log/events-producer.provider';
import { ReportClaimsRepository } from '../event-log/report-claims.repository';
import { RecordReportCommand, RecordReportResult } from './record-report.command';
import { ReportRejectedError } from './record-report.error';

/** How long a second send of an id waits for the first to be acknowledged. */
const PENDING_WAIT_MS = 15_000;

/**
 * Validates a report, claims its id, appends it to the log and answers only once Kafka has
 * acknowledged it. A second send of the same id appends nothing and waits for the first one's
 * outcome, so "duplicate" is only ever said of a report that is on the log.
 */
@CommandHandler(RecordReportCommand)
export class RecordReportHandler implements ICommandHandler<RecordReportCommand, RecordReportResult> {
  constructor(private readonly producer: EventsProducer, private readonly claims: ReportClaimsRepository) {}

  async execute({ body, principal }: RecordReportCommand): Promise<RecordReportResult> {
    const checked = validateReport(body);
    if (!checked.ok) {
      throw new ReportRejectedError('invalid_report', 'the report is not valid; fix the fields listed in details', checked.issues);
    }
    const report: Report = { ...checked.report, id: checked.report.id ?? randomUUID() };
    if (report.type === 'report.retracted') await this.checkRetraction(report);
    const { id: _id, ...content } = report;
    const digest = createHash('sha256').update(JSON.stringify(content)).digest('base64');
    const deadline = Date.now() + PENDING_WAIT_MS;

    for (;;) {
      const claim = await this.claims.claim(report.id, report.subject, digest);
      if (claim.kind === 'claimed') return this.append(report, principal.name);
      if (claim.kind === 'recorded') {
        if (claim.digest !== digest) {
          throw new ReportRejectedError('id_conflict', `report id "${report.id}" was already used for a different report; send a new id`);
        }
        return { eventId: report.id, subject: report.subject, ...claim.position, duplicate: true };
      }
      if (Date.now() > deadline) {
        throw new ReportRejectedError('id_conflict', `report id "${report.id}" is being recorded by another request; retry shortly`);
      }
      await sleep(20);
    }
  }

  private async append(report: Report, ingestor: string): Promise<RecordReportResult> {
    const event = toCloudEvent(report, { ingestor, recordedAt: new Date().toISOString() });
    let position;
    try {
      position = await this.producer.append({ key: report.subject, value: JSON.stringify(event) });
    } catch (e) {
      await this.claims.release(report.id).catch(() => undefined);
      throw e;
    }
    await this.claims.recorded(report.id, position);
    return { eventId: report.id, subject: report.subject, ...position, duplicate: false };
  }

  private async checkRetraction(report: Report): Promise<void> {
    const target = String((report.data as { eventId: string }).eventId);
    const found = await this.claims.indexedEvent(target);
    if (!found || found.subject !== report.subject) {
      throw new ReportRejectedError('unknown_event', `no event "${target}" of ${report.subject} is on record; retract an event of the same subject (a report sent a moment ago may still be projecting: retry)`, [
        { path: 'data.eventId', message: 'must name an earlier event of the same subject' },
      ]);
    }
    if (found.type === 'report.retracted') {
      throw new ReportRejectedError('invalid_report', 'a retraction cannot be retracted; record the report again instead', [
        { path: 'data.eventId', message: 'names a retraction' },
      ]);
    }
  }
}
