import { evolve, initialState, SubjectState } from '@newsledger/domain';
import { EntityManager } from 'typeorm';
import { EventIndexRow, toRecordedEvent } from './event-index.rows';
import { DueSnapshot, SnapshotStore, SnapshotTables } from './snapshot.store';

/** Where a query can run: a transaction's manager or the data source itself. */
type Queryable = Pick<EntityManager, 'query'>;

/** A subject's full state as the event index holds it now. */
export interface LoadedState {
  state: SubjectState;
  /** The event count of the snapshot the replay started from; null when it started from nothing. */
  fromSnapshot: number | null;
  /** Events read from the index after that snapshot. */
  eventsRead: number;
  /** Snapshots at multiples of `snapshotEvery` the replay passed and the store did not have yet. */
  missed: DueSnapshot[];
}

/**
 * Full subject states, each the latest snapshot plus the indexed events after it, replayed by the
 * domain's reducer. The live view, the list pages and a retraction (which must undo what one
 * report contributed) all read states this way; one round trip for the snapshots and one for the
 * events, however many subjects.
 */
export class SubjectStateStore {
  private readonly snapshots: SnapshotStore;

  constructor(private readonly tables: Readonly<SnapshotTables> = { snapshots: 'snapshots', events: 'events' }) {
    this.snapshots = new SnapshotStore(tables);
  }

  /**
   * @param snapshotEvery - when given, the states at multiples of it past the latest snapshot are
   *   returned in `missed`, for the caller to store with {@link SnapshotStore.take}.
   */
  async load(q: Queryable, subjects: readonly string[], snapshotEvery?: number): Promise<Map<string, LoadedState>> {
    const out = new Map<string, LoadedState>();
    if (subjects.length === 0) return out;
    const unique = [...new Set(subjects)];
    const starts: { subject: string; event_count: number; partition: number; offset: string; state: SubjectState }[] = await q.query(
      `SELECT DISTINCT ON (subject) subject, event_count, partition, "offset", state FROM ${this.tables.snapshots}
       WHERE subject = ANY($1::text[]) ORDER BY subject, event_count DESC`,
      [unique],
    );
    const start = new Map(starts.map((s) => [s.subject, s]));
    const rows: EventIndexRow[] = await q.query(
      `SELECT e.* FROM UNNEST($1::text[], $2::int[], $3::bigint[]) AS s(subject, partition, "offset")
       JOIN ${this.tables.events} e ON e.subject = s.subject AND (e.partition, e."offset") > (s.partition, s."offset")
       ORDER BY e.subject, e.partition, e."offset"`,
      [unique, unique.map((s) => start.get(s)?.partition ?? -1), unique.map((s) => start.get(s)?.offset ?? '-1')],
    );
    const bySubject = new Map<string, EventIndexRow[]>();
    for (const r of rows) (bySubject.get(r.subject) ?? bySubject.set(r.subject, []).get(r.subject)!).push(r);
    for (const subject of unique) {
      const from = start.get(subject);
      const events = bySubject.get(subject) ?? [];
      const missed: DueSnapshot[] = [];
      let state = from?.state ?? initialState(subject);
      for (const row of events) {
        const event = toRecordedEvent(row);
        state = evolve(state, event);
        if (snapshotEvery && state.eventCount % snapshotEvery === 0) {
          missed.push({
            subject,
            eventCount: state.eventCount,
            partition: row.partition,
            offset: String(row.offset),
            maxRecordedAt: state.lastRecordedAt ?? event.recordedAt,
            state,
          });
        }
      }
      if (from || events.length > 0) out.set(subject, { state, fromSnapshot: from?.event_count ?? null, eventsRead: events.length, missed });
    }
    return out;
  }

  /** Loads and stores the snapshots these subjects are missing; returns how many were taken. */
  async catchUpSnapshots(q: Queryable, subjects: readonly string[], snapshotEvery: number): Promise<number> {
    const loaded = await this.load(q, subjects, snapshotEvery);
    const due = [...loaded.values()].flatMap((l) => l.missed);
    await this.snapshots.take(q, due);
    return due.length;
  }
}
