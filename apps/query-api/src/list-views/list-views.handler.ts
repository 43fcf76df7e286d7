import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { toView } from '@newsledger/domain';
import { SubjectStateStore } from '@newsledger/persistence';
import { DataSource } from 'typeorm';
import { encodeListCursor } from './list-views.cursor';
import { ListViewsQuery, ListViewsResult } from './list-views.query';
import { ViewVersionsCheck } from './view-versions.check';

/** Keyset paging over (last_recorded_at desc, subject), so pages stay stable while views change. */
@QueryHandler(ListViewsQuery)
export class ListViewsHandler implements IQueryHandler<ListViewsQuery, ListViewsResult> {
  private readonly states = new SubjectStateStore();
  private readonly versions: ViewVersionsCheck;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.versions = new ViewVersionsCheck(db);
  }

  async execute({ kind, filters, limit, cursor }: ListViewsQuery): Promise<ListViewsResult> {
    await this.versions.assertAnswerable(filters);
    const where = ['kind = $1'];
    const params: unknown[] = [kind];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filters.status) add('status = ANY(?::text[])', filters.status);
    if (filters.reportedStatus) add('reported_status = ANY(?::text[])', filters.reportedStatus);
    // Overlap, so the GIN index on parties serves it: subjects naming any of the codes.
    if (filters.party) add('parties && ?::text[]', filters.party);
    if (filters.disputed !== undefined) add('disputed = ?', filters.disputed);
    if (filters.level) add('level = ANY(?::text[])', filters.level);
    // Both sides in the domain's searchForm (lower case), so LIKE is the case-insensitive match
    // and a trigram index on the column serves it; the query's own wildcards are taken literally.
    if (filters.q) add(`search LIKE ? ESCAPE '\\'`, `%${filters.q.replace(/[\\%_]/g, '\\$&')}%`);
    if (filters.updatedSince) add('last_recorded_at >= ?', filters.updatedSince);
    if (cursor) {
      params.push(cursor.at, cursor.subject);
      where.push(`(last_recorded_at, $${params.length}::text) < ($${params.length - 1}::timestamptz, subject)`);
    }
    params.push(limit + 1);
    const rows: { subject: string; last_recorded_at: Date; event_count: number }[] = await this.db.query(
      `SELECT subject, last_recorded_at, event_count FROM views WHERE ${where.join(' AND ')}
       ORDER BY last_recorded_at DESC, subject ASC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    // Replayed for the whole page at once (one query for the snapshots, one for the events after
    // them), each up to the event count of its row: the view the filters chose, even if the
    // subject has moved on since. No transaction spans the reads, so none holds locks a rebuild's swap would wait for.
    const states = await this.states.load(this.db, page.map((r) => r.subject), { upTo: new Map(page.map((r) => [r.subject, r.event_count])) });
    return {
      items: page.flatMap((r) => {
        const loaded = states.get(r.subject);
        return loaded ? [toView(loaded.state)] : [];
      }),
      nextCursor: rows.length > limit && last ? encodeListCursor(last.last_recorded_at, last.subject) : null,
    };
  }
}
