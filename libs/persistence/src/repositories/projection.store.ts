import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EntityManager } from 'typeorm';
import { RecordedAs, upcast } from '@newsledger/domain';
import { sqlStateOf, UNIQUE_VIOLATION } from '../database-unavailable';
import { preparedQuery } from '../prepared-query';

/** An event as stored in the event index. */
export interface EventRow {
  eventId: string;
  subject: string;
  kind: string;
  type: string;
  partition: number;
  offset: string;
  recordedAt: string;
  occurredAt: string | null;
  ingestor: string;
  source: unknown;
  confirmation: string;
  /** As recorded, in version {@link dataVersion} of its type. */
  data: unknown;
  dataVersion: number;
  note: string | null;
}

export interface ViewRow {
  subject: string;
  kind: string;
  status: string | null;
  reportedStatus: string | null;
  /** The corroboration level of the `reportedStatus` stage; null for negotiations. */
  level: string | null;
  disputed: boolean;
  parties: string[];
  /** What a list's `q` matches: the domain's `searchTextOf`. */
  search: string;
  eventCount: number;
  lastRecordedAt: string;
  /** The domain's `SubjectSummary`. */
  summary: unknown;
}

export interface StatusChangeRow {
  id: string;
  subject: string;
  kind: string;
  field: string;
  from: string | null;
  to: string | null;
  causedBy: string;
  retractionOf: string | null;
  recordedAt: string;
  /**
   * What the message adds to these columns (contract §7.4): `cause`, `level`, `reason`, and for
   * the corroboration and dispute kinds `stage`/`fact` with `from`/`to` (a dispute's are lists).
   */
  payload: Record<string, unknown>;
}

/** An indexed event as the batch step compares a message with it: what it says and whether it was retracted. */
export interface IndexedEventRow {
  subject: string;
  type: string;
  retractedBy: string | null;
  /** Its data upcast to the current version of its type, with what was recorded in `recordedAs` when that was an earlier one. */
  content: { type: string; subject: string; occurredAt: string | null; source: unknown; confirmation: string; data: unknown; note: string | null; recordedAs?: RecordedAs };
}

/** What a projected batch writes, with the checkpoints it moves: {@link ProjectionStore.writeBatch}. */
export interface BatchWrites {
  /** Indexed events withdrawn by a retraction of this batch. */
  retracted: { eventId: string; by: string }[];
  views: ViewRow[];
  /** Event ids whose negotiation link goes (their event was retracted). */
  unlinks: string[];
  links: { eventId: string; negotiation: string; exchange: string; recordedAt: string }[];
  /** Absent for a generation without a feed (a rebuild's). */
  changes?: { rows: StatusChangeRow[]; topic: string };
  /** The next offset of each partition the batch took messages from; their rows are locked. */
  checkpoints: { group: string; topic: string; next: ReadonlyMap<number, bigint> };
  /**
   * Events indexed by this batch whose ingest API claims (`report_claims`) it settles at their log
   * position, in the same transaction: the ingest API writes a report's claim and nothing more.
   * Absent for a generation that is not the live one (a rebuild's).
   */
  settles?: readonly { eventId: string; partition: number; offset: string }[];
}

/** The PostgreSQL notification channel told, on commit, that a topic's outbox has new rows (payload: the topic). */
export const STATUS_CHANGES_CHANNEL = 'newsledger_status_changes';

/** Advisory lock held from a batch's first outbox insert to its commit, so `seq` order is commit order. */
const OUTBOX_ORDER_LOCK = 7_340_113;

/**
 * Rows as one JSON document for `jsonb_to_recordset`: the states and payloads in them are large
 * JSON, and one native `JSON.stringify` of the whole batch costs far less than the driver's
 * escaping of every element of a `jsonb[]` array literal.
 */
export function rowsJson<R>(rows: readonly R[], toJson: (row: R) => Record<string, unknown>): string {
  return JSON.stringify(rows.map(toJson));
}

/** Free text as a field of COPY's text format: `\\N` for null, backslash, tab and line breaks escaped. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : value;
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A JSON value as a field of COPY's text format: JSON has no raw tabs or line breaks, only backslashes to double. */
function copyJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('\\') ? json.replace(/\\/g, '\\\\') : json;
}

/** The event index's columns, in the order of {@link eventCopyLine}. */
const EVENT_COLUMNS = 'event_id, subject, kind, type, partition, "offset", recorded_at, occurred_at, ingestor, source, confirmation, data, data_version, note';

/**
 * An event index row as one line of COPY's text format. Ids, subjects, kinds, types,
 * confirmations and instants are validated to patterns without backslashes, tabs or line breaks
 * (report validation, `eventRowOf`), so they go as they are; the rest is escaped.
 */
function eventCopyLine(r: EventRow): string {
  return `${r.eventId}\t${r.subject}\t${r.kind}\t${r.type}\t${r.partition}\t${r.offset}\t${r.recordedAt}\t${r.occurredAt ?? '\\N'}\t` +
    `${copyText(r.ingestor)}\t${copyJson(r.source)}\t${r.confirmation}\t${copyJson(r.data)}\t${r.dataVersion}\t${copyText(r.note)}\n`;
}

/**
 * Event index rows for one COPY, each encoded as its line as it is added: neither the rows nor the
 * events they were made of need be kept until the batch is written, so a catch-up's events die
 * young instead of surviving the collections of a whole batch. (One string of a batch's lines,
 * concatenated and then encoded, had to be flattened first, at seven times the cost.)
 */
export class EventCopyData {
  private data: Buffer;
  private used = 0;
  private rows = 0;

  /** @param expectedRows - how many rows to make room for at first (lines are about 500 bytes) */
  constructor(expectedRows = 64) {
    this.data = Buffer.allocUnsafe(Math.max(1, expectedRows) * 512);
  }

  add(row: EventRow): void {
    const line = eventCopyLine(row);
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.data.length - this.used < line.length * 3) {
      const larger = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.used + line.length * 3));
      this.data.copy(larger, 0, 0, this.used);
      this.data = larger;
    }
    this.used += this.data.write(line, this.used);
    this.rows += 1;
  }

  /** Rows added. */
  get size(): number {
    return this.rows;
  }

  /** The COPY text of the rows added. */
  bytes(): Buffer {
    return this.data.subarray(0, this.used);
  }
}

/** The tables a projection writes; a rebuild writes a new generation beside the live one. */
export interface ProjectionTables {
  events: string;
  views: string;
  links: string;
}

/** The tables the live projector writes and the query API reads. */
export const LIVE_TABLES: Readonly<ProjectionTables> = Object.freeze({ events: 'events', views: 'views', links: 'negotiation_exchanges' });

/**
 * The projector's writes, each one statement for a whole batch (UNNEST arrays, or one JSON
 * document where rows carry large JSON), so no parameter limit and no round trip per event. All
 * methods run inside the caller's transaction.
 */
export class ProjectionStore {
  constructor(private readonly tables: Readonly<ProjectionTables> = LIVE_TABLES) {}

  /** Locks the partition's checkpoint row for this transaction and returns the next offset to apply. */
  async lockCheckpoint(m: EntityManager, group: string, topic: string, partition: number): Promise<bigint> {
    return (await this.lockCheckpoints(m, group, topic, [partition])).get(partition)!;
  }

  /**
   * Locks the checkpoint rows of these partitions for this transaction, in partition order (two
   * members locking the same rows cannot deadlock), and returns each one's next offset to apply.
   */
  async lockCheckpoints(m: EntityManager, group: string, topic: string, partitions: number[]): Promise<Map<number, bigint>> {
    // One round trip: the no-op update of an existing row locks it as FOR UPDATE would.
    const rows: { partition: number; next_offset: string }[] = await preparedQuery(m,
      `INSERT INTO projector_offsets (consumer_group, topic, partition, next_offset)
       SELECT $1, $2, p, 0 FROM unnest($3::int[]) AS p ORDER BY p
       ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = projector_offsets.next_offset
       RETURNING partition, next_offset`,
      [group, topic, [...new Set(partitions)]],
    );
    return new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
  }

  /** Next offsets of the given partitions (absent where none is stored). */
  async checkpoints(m: EntityManager, group: string, topic: string): Promise<Map<number, string>> {
    const rows: { partition: number; next_offset: string }[] = await m.query(
      `SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`,
      [group, topic],
    );
    return new Map(rows.map((r) => [r.partition, r.next_offset]));
  }

  /** The indexed events among `ids`, with their subject and type. */
  async findEvents(m: EntityManager, ids: string[]): Promise<Map<string, IndexedEventRow>> {
    if (ids.length === 0) return new Map();
    const rows: { event_id: string; subject: string; type: string; occurred_at: string | null; source: unknown; confirmation: string; data: unknown; data_version: number; note: string | null; retracted_by: string | null }[] =
      await preparedQuery(m,
        `SELECT event_id, subject, type, occurred_at, source, confirmation, data, data_version, note, retracted_by FROM ${this.tables.events} WHERE event_id = ANY($1::text[])`,
        [ids],
      );
    return new Map(
      rows.map((r) => [
        r.event_id,
        {
          subject: r.subject,
          type: r.type,
          retractedBy: r.retracted_by,
          content: upcast({ type: r.type, subject: r.subject, occurredAt: r.occurred_at, source: r.source, confirmation: r.confirmation, data: r.data, note: r.note }, r.data_version),
        },
      ]),
    );
  }

  /**
   * Indexes events none of which is indexed yet (the caller looked them up in this transaction) with
   * COPY: half the database time of an `INSERT … SELECT FROM jsonb_to_recordset` of the same rows,
   * which is most of the projector's share of the database. COPY cannot skip a duplicate: an id
   * another transaction indexes meanwhile fails this one (`unique_violation`), and the caller's
   * retry then finds it indexed.
   */
  async copyEvents(m: EntityManager, rows: EventCopyData): Promise<void> {
    if (rows.size === 0) return;
    // The transaction's own connection: COPY streams on the driver's client, not through TypeORM.
    const client = (await m.queryRunner!.connect()) as PoolClient;
    await pipeline(Readable.from([rows.bytes()]), client.query(copyFrom(`COPY ${this.tables.events} (${EVENT_COLUMNS}) FROM STDIN`)));
  }

  /**
   * {@link copyEvents} without a lookup first, in a savepoint: false, with nothing indexed, when an
   * id is indexed already (or by another transaction meanwhile, once it commits). A backlog's ids
   * are new, and looking them all up first read the index from outside the buffer cache, id by id:
   * two million blocks for a catch-up of a million events.
   */
  async copyNewEvents(m: EntityManager, rows: EventCopyData): Promise<boolean> {
    if (rows.size === 0) return true;
    await m.query('SAVEPOINT copy_new_events');
    try {
      await this.copyEvents(m, rows);
      return true;
    } catch (e) {
      if (sqlStateOf(e) !== UNIQUE_VIOLATION) throw e;
      await m.query('ROLLBACK TO SAVEPOINT copy_new_events');
      return false;
    }
  }

  /** The stored summaries of these subjects (a full state where a row predates summaries). */
  async loadSummaries(m: EntityManager, subjects: string[]): Promise<Map<string, unknown>> {
    if (subjects.length === 0) return new Map();
    const rows: { subject: string; summary: unknown }[] = await preparedQuery(m,
      `SELECT subject, COALESCE(summary, state) AS summary FROM ${this.tables.views} WHERE subject = ANY($1::text[])`,
      [subjects],
    );
    return new Map(rows.map((r) => [r.subject, r.summary]));
  }

  /**
   * Moves a partition's checkpoint past a message nothing was written for (one the database
   * refuses even alone), in the caller's transaction, which holds the checkpoint row locked.
   */
  async passCheckpoint(m: EntityManager, group: string, topic: string, partition: number, offset: string): Promise<void> {
    await this.writeBatch(m, { retracted: [], views: [], unlinks: [], links: [], checkpoints: { group, topic, next: new Map([[partition, BigInt(offset) + 1n]]) } });
  }

  /**
   * Everything a projected batch writes: one statement (each kind of row a data-modifying CTE,
   * only those the batch has, then the partitions' checkpoints), and the outbox rows after it
   * when there are any: two round trips at most after the batch is reduced, instead of one per
   * kind of row. Status changes go to the outbox of `changes.topic` and notify the relay on
   * commit; concurrent batches (other partitions, other projector instances) serialise from
   * their outbox insert to their commit, so a row with a higher `seq` never becomes visible
   * before a lower one: readers can treat `seq` as a gap-free position ("everything after N")
   * without missing a late commit.
   */
  async writeBatch(m: EntityManager, w: BatchWrites): Promise<void> {
    const params: unknown[] = [];
    const $ = (value: unknown): string => `$${params.push(value)}`;
    const { events, views, links } = this.tables;
    const ctes: string[] = [];
    if (w.retracted.length > 0) {
      ctes.push(`retracted AS (
        UPDATE ${events} e SET retracted_by = r.by
        FROM UNNEST(${$(w.retracted.map((p) => p.eventId))}::text[], ${$(w.retracted.map((p) => p.by))}::text[]) AS r(event_id, by)
        WHERE e.event_id = r.event_id)`);
    }
    if (w.views.length > 0) {
      const json = rowsJson(w.views, (r) => ({
        subject: r.subject, kind: r.kind, status: r.status, reported_status: r.reportedStatus, level: r.level, disputed: r.disputed,
        parties: r.parties, search: r.search, event_count: r.eventCount, last_recorded_at: r.lastRecordedAt, summary: r.summary,
      }));
      ctes.push(`upserted AS (
        INSERT INTO ${views} (subject, kind, status, reported_status, level, disputed, parties, search, event_count, last_recorded_at, summary)
        SELECT u.subject, u.kind, u.status, u.reported_status, u.level, u.disputed,
               ARRAY(SELECT jsonb_array_elements_text(u.parties)), u.search, u.event_count, u.last_recorded_at, u.summary
        FROM jsonb_to_recordset(${$(json)}::jsonb)
             AS u(subject text, kind text, status text, reported_status text, level text, disputed boolean, parties jsonb, search text, event_count int, last_recorded_at timestamptz, summary jsonb)
        ON CONFLICT (subject) DO UPDATE SET
          status = EXCLUDED.status, reported_status = EXCLUDED.reported_status, level = EXCLUDED.level, disputed = EXCLUDED.disputed, parties = EXCLUDED.parties, search = EXCLUDED.search,
          event_count = EXCLUDED.event_count, last_recorded_at = EXCLUDED.last_recorded_at, summary = EXCLUDED.summary, state = NULL)`);
    }
    // Never the same event_id: a link made and retracted in one batch is dropped before it gets here.
    if (w.unlinks.length > 0) ctes.push(`unlinked AS (DELETE FROM ${links} WHERE event_id = ANY(${$(w.unlinks)}::text[]))`);
    if (w.links.length > 0) {
      const l = w.links;
      ctes.push(`linked AS (
        INSERT INTO ${links} (event_id, negotiation, exchange, recorded_at)
        SELECT * FROM UNNEST(${$(l.map((x) => x.eventId))}::text[], ${$(l.map((x) => x.negotiation))}::text[],
                             ${$(l.map((x) => x.exchange))}::text[], ${$(l.map((x) => x.recordedAt))}::timestamptz[])
        ON CONFLICT DO NOTHING)`);
    }
    if (w.settles && w.settles.length > 0) {
      const s = w.settles;
      // A claim already settled (by its ingest API's own late mark) is left as it is.
      ctes.push(`settled AS (
        UPDATE report_claims c SET partition = s.partition, "offset" = s.offset
        FROM UNNEST(${$(s.map((e) => e.eventId))}::text[], ${$(s.map((e) => e.partition))}::int[], ${$(s.map((e) => e.offset))}::bigint[]) AS s(event_id, partition, "offset")
        WHERE c.event_id = s.event_id AND c."offset" IS NULL)`);
    }
    const { group, topic, next } = w.checkpoints;
    const save = `UPDATE projector_offsets o SET next_offset = c.next_offset
      FROM unnest(${$([...next.keys()])}::int[], ${$([...next.values()].map(String))}::bigint[]) AS c(partition, next_offset)
      WHERE o.consumer_group = ${$(group)} AND o.topic = ${$(topic)} AND o.partition = c.partition`;
    await preparedQuery(m, ctes.length > 0 ? `WITH ${ctes.join(', ')} ${save}` : save, params);
    if (w.changes && w.changes.rows.length > 0) await this.insertStatusChanges(m, w.changes.rows, w.changes.topic);
  }

  /**
   * The outbox rows, in a statement of their own after the other writes: PostgreSQL runs sibling
   * CTEs in no promised order, and the ordering lock taken here is held until the commit.
   */
  private async insertStatusChanges(m: EntityManager, rows: StatusChangeRow[], topic: string): Promise<void> {
    // One round trip: the lock is taken (joined in before any row, so before any `seq` is drawn)
    // and the relay notified on commit, in the insert itself.
    await preparedQuery(m,
      `WITH first AS MATERIALIZED (SELECT pg_advisory_xact_lock($11), pg_notify($12, $10))
       INSERT INTO status_changes (id, subject, kind, field, from_value, to_value, caused_by, retraction_of, recorded_at, payload, topic)
       SELECT u.id, u.subject, u.kind, u.field, u.from_value, u.to_value, u.caused_by, u.retraction_of, u.recorded_at, u.payload::jsonb, $10
       FROM first, UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $13::text[])
              AS u(id, subject, kind, field, from_value, to_value, caused_by, retraction_of, recorded_at, payload)
       ON CONFLICT (id) DO NOTHING`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.subject),
        rows.map((r) => r.kind),
        rows.map((r) => r.field),
        rows.map((r) => r.from),
        rows.map((r) => r.to),
        rows.map((r) => r.causedBy),
        rows.map((r) => r.retractionOf),
        rows.map((r) => r.recordedAt),
        topic,
        OUTBOX_ORDER_LOCK,
        STATUS_CHANGES_CHANNEL,
        rows.map((r) => JSON.stringify(r.payload)),
      ],
    );
  }
}
