import { evolve, initialState, STATE_VERSION, SubjectState } from '@newsledger/domain';
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
  /** Snapshots at multiples of `missing.every` the replay passed and the store did not have yet (see `load`). */
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
   * @param opts.missing - when given, the states at multiples of `every` past the latest snapshot
   *   (at most `most` of them, oldest first) are returned in `missed`, for {@link SnapshotStore.take}.
   * @param opts.upTo - per subject, the event count to stop at: the state a view row with that
   *   count stands for, however far the index has moved on since the row was read.
   */
  async load(
    q: Queryable,
    subjects: readonly string[],
    opts: { missing?: { every: number; most: number }; upTo?: ReadonlyMap<string, number> } = {},
  ): Promise<Map<string, LoadedState>> {
    const { missing, upTo } = opts;
    const out = new Map<string, LoadedState>();
    if (subjects.length === 0) return out;
    const unique = [...new Set(subjects)];
    const starts: { subject: string; event_count: number; partition: number; offset: string; state: SubjectState }[] = await q.query(
      `SELECT DISTINCT ON (s.subject) s.subject, s.event_count, s.partition, s."offset", s.state
       FROM UNNEST($1::text[], $2::int[]) AS b(subject, up_to) JOIN ${this.tables.snapshots} s ON s.subject = b.subject
       WHERE (b.up_to IS NULL OR s.event_count <= b.up_to) AND s.state_version = ${STATE_VERSION}
       ORDER BY s.subject, s.event_count DESC`,
      [unique, unique.map((s) => upTo?.get(s) ?? null)],
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
      const stop = upTo?.get(subject);
      let read = 0;
      for (const row of events) {
        if (stop !== undefined && state.eventCount >= stop) break;
        read += 1;
        const event = toRecordedEvent(row);
        state = evolve(state, event);
        if (missing && missed.length < missing.most && state.eventCount % missing.every === 0) {
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
      if (from || read > 0) out.set(subject, { state, fromSnapshot: from?.event_count ?? null, eventsRead: read, missed });
    }
    return out;
  }

  /**
   * Loads a subject and stores up to `most` of the snapshots it is missing, oldest first (the next
   * call goes on from there, so a long story never holds more than that many states); returns how
   * many were taken. Run it in a transaction: what it reads and writes are then one generation.
   */
  async catchUpSnapshots(q: Queryable, subject: string, snapshotEvery: number, most = 4): Promise<number> {
    const loaded = await this.load(q, [subject], { missing: { every: snapshotEvery, most } });
    const due = loaded.get(subject)?.missed ?? [];
    await this.snapshots.take(q, due);
    return due.length;
  }
}
