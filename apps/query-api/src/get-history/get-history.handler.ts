import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { toExportedEvent } from '@newsledger/audit';
import { EventIndexRow } from '@newsledger/persistence';
import { DataSource } from 'typeorm';
import { QueryError } from '../query-api.error';
import { GetHistoryQuery, HistoryPage } from './get-history.query';
import { encodeHistoryCursor } from './get-history.request.dto';

@QueryHandler(GetHistoryQuery)
export class GetHistoryHandler implements IQueryHandler<GetHistoryQuery, HistoryPage> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ subject, page }: GetHistoryQuery): Promise<HistoryPage> {
    const params: unknown[] = [subject];
    let after = '';
    if (page.cursor) {
      params.push(page.cursor.partition, page.cursor.offset);
      after = ` AND (partition, "offset") > ($2, $3::bigint)`;
    }
    let limit = '';
    // One more than asked says whether another page follows.
    if (page.limit !== undefined) limit = ` LIMIT ${page.limit + 1}`;
    const rows: EventIndexRow[] = await this.db.query(`SELECT * FROM events WHERE subject = $1${after} ORDER BY partition, "offset"${limit}`, params);
    if (rows.length === 0 && !page.cursor) throw new QueryError('not_found', `nothing has been recorded about ${subject}`);
    const more = page.limit !== undefined && rows.length > page.limit;
    const events = (more ? rows.slice(0, page.limit) : rows).map(toExportedEvent);
    const last = events[events.length - 1];
    return { subject, events, nextCursor: more && last ? encodeHistoryCursor(last.position) : null };
  }
}
