import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { replay, SubjectState, toView } from '@newsledger/domain';
import { DataSource } from 'typeorm';
import { EventIndexRow, toRecordedEvent } from '../event-rows';
import { QueryError } from '../query-api.error';
import { GetViewQuery } from './get-view.query';

@QueryHandler(GetViewQuery)
export class GetViewHandler implements IQueryHandler<GetViewQuery, Record<string, unknown>> {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ kind, subject, asOf }: GetViewQuery): Promise<Record<string, unknown>> {
    const view = asOf ? await this.replayed(subject, asOf) : await this.stored(subject);
    if (!view) {
      throw new QueryError('not_found', asOf
        ? `nothing had been recorded about ${subject} by ${asOf}`
        : `nothing has been recorded about ${subject}; check the id, or list /v1/${kind}s`);
    }
    if (kind === 'negotiation') view.exchanges = await this.exchangesOf(subject, asOf);
    if (asOf) view.asOf = asOf;
    return view;
  }

  private async stored(subject: string): Promise<Record<string, unknown> | undefined> {
    const rows: { state: SubjectState }[] = await this.db.query(`SELECT state FROM views WHERE subject = $1`, [subject]);
    return rows[0] ? { ...toView(rows[0].state) } : undefined;
  }

  private async replayed(subject: string, asOf: string): Promise<Record<string, unknown> | undefined> {
    const rows: EventIndexRow[] = await this.db.query(
      `SELECT * FROM events WHERE subject = $1 AND recorded_at <= $2 ORDER BY partition, "offset"`,
      [subject, asOf],
    );
    return rows.length ? { ...toView(replay(subject, rows.map(toRecordedEvent))) } : undefined;
  }

  /** Exchanges agreed under the negotiation; as of an instant, from the event index itself. */
  private async exchangesOf(negotiation: string, asOf?: string): Promise<string[]> {
    const rows: { exchange: string }[] = asOf
      ? await this.db.query(
          `SELECT DISTINCT e.subject AS exchange FROM events e
           WHERE e.type = 'exchange.agreed' AND e.data->>'negotiation' = $1 AND e.recorded_at <= $2
             AND NOT EXISTS (SELECT 1 FROM events r WHERE r.event_id = e.retracted_by AND r.recorded_at <= $2)
           ORDER BY 1`,
          [negotiation, asOf],
        )
      : await this.db.query(`SELECT DISTINCT exchange FROM negotiation_exchanges WHERE negotiation = $1 ORDER BY 1`, [negotiation]);
    return rows.map((r) => r.exchange);
  }
}
