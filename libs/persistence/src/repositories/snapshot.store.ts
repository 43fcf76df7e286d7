import { occurredUntil, STATE_VERSION } from '@newsledger/domain';
import { EntityManager } from 'typeorm';
import { rowsJson } from './projection.store';

/** A state to store as a snapshot (see `SubjectStateStore.catchUpSnapshots`). */
export interface DueSnapshot {
  subject: string;
  eventCount: number;
  /** Position of the subject's last event folded into `state`. */
  partition: number;
  offset: string;
  /** The state's lastRecordedAt: the latest recordedAt folded in. */
  maxRecordedAt: string;
  state: unknown;
}

/** A stored snapshot without its state, enough to decide whether it may answer a question. */
export interface SnapshotBoundsRow {
  eventCount: number;
  partition: number;
  offset: string;
  maxRecordedAt: string;
  occurredUntil: string | null;
}

/** The tables snapshots are written to and computed from. */
export interface SnapshotTables {
  snapshots: string;
  events: string;
}

/** Where a query can run: a transaction's manager or the data source itself. */
type Queryable = Pick<EntityManager, 'query'>;

/**
 * Per-subject snapshots of the reducer state. `occurred_until` is carried forward from the
 * subject's previous snapshot plus the events indexed since, so taking one costs the events of
 * one period, not the subject's whole history.
 */
export class SnapshotStore {
  constructor(private readonly tables: Readonly<SnapshotTables> = { snapshots: 'snapshots', events: 'events' }) {}

  /**
   * Stores `due` inside the caller's transaction, after the events they fold in are indexed.
   * Each snapshot's `occurred_until` covers exactly the events up to its own position, even when
   * one batch takes several snapshots of a subject.
   */
  async take(m: Queryable, due: readonly DueSnapshot[]): Promise<void> {
    if (due.length === 0) return;
    const rows: {
      subject: string;
      prev_until: Date | null;
      partition: number | null;
      offset: string | null;
      type: string | null;
      occurred_at: string | null;
      recorded_at: Date | null;
    }[] = await m.query(
      `SELECT d.subject, p.occurred_until AS prev_until, e.partition, e."offset", e.type, e.occurred_at, e.recorded_at
       FROM UNNEST($1::text[]) AS d(subject)
       LEFT JOIN LATERAL (
         SELECT s.partition, s."offset", s.occurred_until FROM ${this.tables.snapshots} s
         WHERE s.subject = d.subject AND s.state_version = ${STATE_VERSION} ORDER BY s.event_count DESC LIMIT 1) p ON true
       LEFT JOIN ${this.tables.events} e ON e.subject = d.subject
         AND (p.partition IS NULL OR (e.partition, e."offset") > (p.partition, p."offset"))
       ORDER BY d.subject, e.partition, e."offset"`,
      [[...new Set(due.map((d) => d.subject))]],
    );
    const bySubject = new Map<string, typeof rows>();
    for (const r of rows) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);
    const until = new Map<DueSnapshot, string | null>();
    for (const [subject, events] of bySubject) {
      let running = events[0]?.prev_until?.toISOString() ?? null;
      let i = 0;
      for (const d of due.filter((x) => x.subject === subject).sort((a, b) => a.eventCount - b.eventCount)) {
        const at = [d.partition, BigInt(d.offset)] as const;
        while (i < events.length && events[i].partition !== null) {
          const e = events[i];
          const pos = [e.partition!, BigInt(e.offset!)] as const;
          if (pos[0] > at[0] || (pos[0] === at[0] && pos[1] > at[1])) break;
          running = occurredUntil(running, [{ type: e.type!, occurredAt: e.occurred_at, recordedAt: e.recorded_at!.toISOString() }]);
          i += 1;
        }
        until.set(d, running);
      }
    }
    await m.query(
      `INSERT INTO ${this.tables.snapshots} (subject, event_count, partition, "offset", max_recorded_at, occurred_until, state, state_version)
       SELECT r.subject, r.event_count, r.partition, r."offset", r.max_recorded_at, r.occurred_until, r.state, ${STATE_VERSION}
       FROM json_to_recordset($1::json) AS r(subject text, event_count int, partition int, "offset" bigint,
            max_recorded_at timestamptz, occurred_until timestamptz, state json)
       ON CONFLICT (subject, event_count) DO UPDATE SET
         partition = EXCLUDED.partition, "offset" = EXCLUDED."offset", max_recorded_at = EXCLUDED.max_recorded_at,
         occurred_until = EXCLUDED.occurred_until, state = EXCLUDED.state, state_version = EXCLUDED.state_version
       -- one of the same version stands (a snapshot is written once); one of another version is replaced
       WHERE ${this.tables.snapshots}.state_version <> EXCLUDED.state_version`,
      [
        rowsJson(due, (d) => ({
          subject: d.subject, event_count: d.eventCount, partition: d.partition, offset: d.offset,
          max_recorded_at: d.maxRecordedAt, occurred_until: until.get(d) ?? null, state: d.state,
        })),
      ],
    );
  }

  /** The subject's snapshots of the current `STATE_VERSION`, latest first, without their states. */
  async bounds(q: Queryable, subject: string): Promise<SnapshotBoundsRow[]> {
    const rows: { event_count: number; partition: number; offset: string; max_recorded_at: Date; occurred_until: Date | null }[] = await q.query(
      `SELECT event_count, partition, "offset", max_recorded_at, occurred_until FROM ${this.tables.snapshots}
       WHERE subject = $1 AND state_version = ${STATE_VERSION} ORDER BY event_count DESC`,
      [subject],
    );
    return rows.map((r) => ({
      eventCount: r.event_count,
      partition: r.partition,
      offset: String(r.offset),
      maxRecordedAt: r.max_recorded_at.toISOString(),
      occurredUntil: r.occurred_until?.toISOString() ?? null,
    }));
  }

  /** The stored state of one snapshot of the current `STATE_VERSION` (undefined when it is gone or of another). */
  async state(q: Queryable, subject: string, eventCount: number): Promise<unknown> {
    const rows: { state: unknown }[] = await q.query(
      `SELECT state FROM ${this.tables.snapshots} WHERE subject = $1 AND event_count = $2 AND state_version = ${STATE_VERSION}`,
      [subject, eventCount],
    );
    return rows[0]?.state;
  }
}
