import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { toExportedEvent } from '@newsledger/audit';
import { DataSource } from 'typeorm';
import { EventIndexRow } from '@newsledger/persistence';
import { QueryError } from '../query-api.error';
import { GetHistoryQuery, HistoryEntry } from './get-history.query';

@QueryHandler(GetHistoryQuery)
export class GetHistoryHandler implements IQueryHandler<GetHistoryQuery, { subject: string; events: HistoryEntry[] }> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ subject }: GetHistoryQuery): Promise<{ subject: string; events: HistoryEntry[] }> {
    const rows: EventIndexRow[] = await this.db.query(
      `SELECT * FROM events WHERE subject = $1 ORDER BY partition, "offset"`, [subject]);
    if (rows.length === 0) throw new QueryError('not_found', `nothing has been recorded about ${subject}`);
    return {
      subject,
      events: rows.map(toExportedEvent),
    };
  }
}
