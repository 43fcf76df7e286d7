import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { StatusChangeColumns, statusChangeJson, StatusChangeMessage, statusChangeOfColumns } from '@newsledger/event-log';
import { DataSource } from 'typeorm';
import { FeedFilter, filterSql } from './feed-filter';
import { FeedChange } from './status-changes-published.event';
import { sseFrame } from './sse.format';

type ChangeRow = StatusChangeColumns & { seq: string; kind: string };

/** The contract's change from a `status_changes` row. */
export function changeOfRow(r: ChangeRow): StatusChangeMessage {
  return statusChangeOfColumns(r);
}

/** Builds the sendable form of a change once, for every connection. */
export function feedChange(seq: number, kind: string, change: StatusChangeMessage): FeedChange {
  const json = statusChangeJson(change);
  return { seq, subject: change.subject, kind, field: change.field, json, frame: sseFrame(seq, json) };
}

/**
 * Reads a feed (one topic's outbox) by position. Positions become visible in order (the projector
 * serialises outbox commits), so "everything after N" read now misses nothing that a later read
 * would find below the highest position returned.
 */
@Injectable()
export class StatusChangesStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The highest position of the feed (0 when empty). */
  async lastSeq(topic: string): Promise<number> {
    const rows: { last: string }[] = await this.db.query(`SELECT coalesce(max(seq), 0) AS last FROM status_changes WHERE topic = $1`, [topic]);
    return Number(rows[0].last);
  }

  /** Up to `limit` changes after `after` (and at most `upTo`) that pass `filter`, in feed order. */
  async page(topic: string, after: number, upTo: number | undefined, filter: FeedFilter, limit: number): Promise<FeedChange[]> {
    const params: unknown[] = [topic, after];
    let sql = `SELECT seq, id, subject, kind, field, from_value, to_value, caused_by, retraction_of, recorded_at, payload
               FROM status_changes WHERE topic = $1 AND seq > $2`;
    if (upTo !== undefined) {
      params.push(upTo);
      sql += ` AND seq <= $${params.length}`;
    }
    sql += filterSql(filter, params);
    params.push(limit);
    const rows: ChangeRow[] = await this.db.query(`${sql} ORDER BY seq LIMIT $${params.length}`, params);
    return rows.map((r) => feedChange(Number(r.seq), r.kind, changeOfRow(r)));
  }

  /** The highest position after `after` that was relayed more than `ms` ago, if any. */
  async relayedBefore(topic: string, after: number, ms: number): Promise<number | undefined> {
    const rows: { last: string | null }[] = await this.db.query(
      `SELECT max(seq) AS last FROM status_changes
       WHERE topic = $1 AND seq > $2 AND published_at < now() - make_interval(secs => $3::double precision / 1000)`,
      [topic, after, ms],
    );
    return rows[0].last === null ? undefined : Number(rows[0].last);
  }
}
