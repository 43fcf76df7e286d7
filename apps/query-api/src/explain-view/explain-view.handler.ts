import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { Explanation, explainView, ExchangeView, isKnownAt, NegotiationView } from '@newsledger/domain';
import { EventIndexRow, toRecordedEvent } from '@newsledger/persistence';
import { DataSource } from 'typeorm';
import { GetViewQuery } from '../get-view/get-view.query';
import { ExplainViewQuery } from './explain-view.query';

/** The view as `GET …/:id` answers it (so the same time travel), explained from the events it counted. */
@QueryHandler(ExplainViewQuery)
export class ExplainViewHandler implements IQueryHandler<ExplainViewQuery, Explanation> {
  constructor(
    private readonly queries: QueryBus,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async execute({ kind, subject, at }: ExplainViewQuery): Promise<Explanation> {
    const { view } = await this.queries.execute(new GetViewQuery(kind, subject, at));
    const rows: EventIndexRow[] = await this.db.query(`SELECT * FROM events WHERE subject = $1 ORDER BY partition, "offset"`, [subject]);
    // Only what the view counted: a report recorded (or occurring) after the point in time is no evidence then.
    const events = rows.map(toRecordedEvent).filter((e) => isKnownAt(e, at));
    return explainView(view as unknown as ExchangeView | NegotiationView, events);
  }
}
