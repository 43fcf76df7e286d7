import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { toExportedEvent } from '@newsledger/audit';
import { EventIndexRow } from '@newsledger/persistence';
import { DataSource } from 'typeorm';
import { QueryError } from '../query-api.error';
import { GetHistoryQuery, HistoryPage } from './get-history.query';
import { HistoryEntry } from './get-history.response.dto';
import { encodeHistoryCursor } from './get-history.request.dto';

@QueryHandler(GetHistoryQuery)
export class GetHistoryHandler implements IQueryHandler<GetHistoryQuery, HistoryPage> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ subject, page }: GetHistoryQuery): Promise<HistoryPage> {
    const params: unknown[] = [subject];
    let after = '';
    if (page.cursor) {
      params.push(page.cursor.partition, page.cursor.offset);
      after = ` AND (e.partition, e."offset") > ($2, $3::bigint)`;
    }
    let limit = '';
    // One more than asked says whether another page follows.
    if (page.limit !== undefined) limit = ` LIMIT ${page.limit + 1}`;
    // Each withdrawn event with its retraction, which may lie on a later page.
    const rows: (EventIndexRow & RetractionColumns)[] = await this.db.query(
      `SELECT e.*, r.recorded_at AS retraction_recorded_at, r.source AS retraction_source, r.data->>'reason' AS retraction_reason
       FROM events e LEFT JOIN events r ON r.event_id = e.retracted_by
       WHERE e.subject = $1${after} ORDER BY e.partition, e."offset"${limit}`,
      params,
    );
    if (rows.length === 0 && !page.cursor) throw new QueryError('not_found', `nothing has been recorded about ${subject}`);
    const more = page.limit !== undefined && rows.length > page.limit;
    const events = (more ? rows.slice(0, page.limit) : rows).map((row) => ({ ...toExportedEvent(row), retraction: retractionOf(row) }));
    const last = events[events.length - 1];
    return { subject, events, nextCursor: more && last ? encodeHistoryCursor(last.position) : null };
  }
}

/** The retraction's own columns, read beside the event it withdrew. */
interface RetractionColumns {
  retraction_recorded_at: Date | null;
  retraction_source: unknown;
  retraction_reason: string | null;
}

function retractionOf(row: EventIndexRow & RetractionColumns): HistoryEntry['retraction'] {
  if (!row.retracted_by || !row.retraction_recorded_at) return null;
  return { eventId: row.retracted_by, recordedAt: row.retraction_recorded_at.toISOString(), source: row.retraction_source, reason: row.retraction_reason ?? '' };
}
