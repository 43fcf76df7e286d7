import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { InjectDataSource } from '@nestjs/typeorm';
import { isKnownAt, negotiationLinkOf, PointInTime, replayAt, snapshotServes, SubjectState, toView } from '@newsledger/domain';
import { EventIndexRow, SnapshotStore, SubjectStateStore, toRecordedEvent } from '@newsledger/persistence';
import { DataSource } from 'typeorm';
import { QueryError } from '../query-api.error';
import { GetViewQuery, GetViewResult } from './get-view.query';

/**
 * A negotiation's links now: each exchange with its agreements in log order, as {@link AGREEMENTS_SQL}
 * lists them at a point in time (an exchange's events share its partition, so the offset orders them).
 */
export const LINKS_SQL = `SELECT l.exchange, l.event_id FROM negotiation_exchanges l JOIN events e ON e.event_id = l.event_id
  WHERE l.negotiation = $1 ORDER BY l.exchange, e.partition, e."offset"`;

/** The agreements naming a negotiation, in log order per exchange; served by the partial index `events_agreed_negotiation`. */
export const AGREEMENTS_SQL = `SELECT * FROM events WHERE type = 'exchange.agreed' AND data->>'negotiation' = $1 ORDER BY subject, partition, "offset"`;

@QueryHandler(GetViewQuery)
export class GetViewHandler implements IQueryHandler<GetViewQuery, GetViewResult> {
  private readonly snapshots = new SnapshotStore();
  private readonly states = new SubjectStateStore();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute({ kind, subject, at }: GetViewQuery): Promise<GetViewResult> {
    const travelling = at.asOf !== undefined || at.validAt !== undefined;
    const result = travelling ? await this.replayed(subject, at) : await this.stored(subject);
    if (!result) {
      throw new QueryError('not_found', travelling
        ? `nothing about ${subject} had been recorded by ${at.asOf ?? 'now'}${at.validAt ? ` that occurred by ${at.validAt}` : ''}`
        : `nothing has been recorded about ${subject}; check the id, or list /v1/${kind}s`);
    }
    const { view } = result;
    if (kind === 'negotiation') {
      const links = travelling ? await this.linksAt(subject, at) : await this.links(subject);
      view.exchanges = [...links.keys()];
      view.evidence = { ...(view.evidence as object), exchanges: Object.fromEntries(links) };
    }
    if (at.asOf) view.asOf = at.asOf;
    if (at.validAt) view.validAt = at.validAt;
    return result;
  }

  /** The view now: the latest snapshot and the indexed events after it, replayed. */
  private async stored(subject: string): Promise<GetViewResult | undefined> {
    const loaded = (await this.states.load(this.db, [subject])).get(subject);
    if (!loaded) return undefined;
    return { view: { ...toView(loaded.state) }, replay: { fromSnapshot: loaded.fromSnapshot, eventsRead: loaded.eventsRead } };
  }

  /**
   * Replays the events that count at `at`, starting from the latest snapshot whose events all
   * count (so it is exactly a prefix of the replay), else from the first event.
   */
  private async replayed(subject: string, at: PointInTime): Promise<GetViewResult | undefined> {
    const usable = (await this.snapshots.bounds(this.db, subject)).find((b) => snapshotServes(b, at));
    const from = usable ? ((await this.snapshots.state(this.db, subject, usable.eventCount)) as SubjectState | undefined) : undefined;
    const start = from && usable ? usable : undefined;
    const params: unknown[] = [subject];
    let sql = `SELECT * FROM events WHERE subject = $1`;
    if (start) sql += ` AND (partition, "offset") > ($${params.push(start.partition)}::int, $${params.push(start.offset)}::bigint)`;
    // Only a narrowing for the index; the domain decides what counts.
    if (at.asOf) sql += ` AND recorded_at <= $${params.push(at.asOf)}`;
    const rows: EventIndexRow[] = await this.db.query(`${sql} ORDER BY partition, "offset"`, params);
    const state = replayAt(subject, rows.map(toRecordedEvent), at, start ? from : undefined);
    if (state.eventCount === 0) return undefined;
    return { view: { ...toView(state) }, replay: { fromSnapshot: start?.eventCount ?? null, eventsRead: rows.length } };
  }

  /** Exchanges agreed under the negotiation, each with the agreements that link it, in log order. */
  private async links(negotiation: string): Promise<Map<string, string[]>> {
    const rows: { exchange: string; event_id: string }[] = await this.db.query(LINKS_SQL, [negotiation]);
    return group(rows);
  }

  /** The same at a point in time, from the event index and the domain's own rules. */
  private async linksAt(negotiation: string, at: PointInTime): Promise<Map<string, string[]>> {
    const agreements: EventIndexRow[] = await this.db.query(AGREEMENTS_SQL, [negotiation]);
    const retractionIds = agreements.map((a) => a.retracted_by).filter((id): id is string => id !== null);
    const retractions: EventIndexRow[] = retractionIds.length
      ? await this.db.query(`SELECT * FROM events WHERE event_id = ANY($1::text[])`, [retractionIds])
      : [];
    const retractionById = new Map(retractions.map((r) => [r.event_id, toRecordedEvent(r)]));
    const rows: { exchange: string; event_id: string }[] = [];
    for (const a of agreements) {
      const event = toRecordedEvent(a);
      const retraction = a.retracted_by ? retractionById.get(a.retracted_by) : undefined;
      if (!negotiationLinkOf(event) || !isKnownAt(event, at) || (retraction && isKnownAt(retraction, at))) continue;
      rows.push({ exchange: a.subject, event_id: a.event_id });
    }
    return group(rows);
  }
}

function group(rows: readonly { exchange: string; event_id: string }[]): Map<string, string[]> {
  const byExchange = new Map<string, string[]>();
  for (const r of rows) byExchange.set(r.exchange, [...(byExchange.get(r.exchange) ?? []), r.event_id]);
  return new Map([...byExchange].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
