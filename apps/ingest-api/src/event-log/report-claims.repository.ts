import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LogPosition } from '@newsledger/event-log';
import { DataSource } from 'typeorm';

export type ClaimOutcome =
  | { kind: 'claimed' }
  | { kind: 'recorded'; position: LogPosition; digest: string }
  | { kind: 'pending' };

/** A pending claim older than this is taken over: its owner died between claim and append. */
const STALE_CLAIM_SECONDS = 60;

/**
 * Report ids claimed before their append. The primary key settles a race between two sends of
 * one id (the same millisecond included): exactly one of them appends.
 */
@Injectable()
export class ReportClaimsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async claim(eventId: string, subject: string, digest: string): Promise<ClaimOutcome> {
    const inserted: unknown[] = await this.db.query(
      `INSERT INTO report_claims (event_id, subject, digest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id`,
      [eventId, subject, digest],
    );
    if (inserted.length > 0) return { kind: 'claimed' };
    // Wrapped in a SELECT so the driver hands back the rows (a bare UPDATE answers [rows, count]).
    const takenOver: unknown[] = await this.db.query(
      `WITH taken AS (
         UPDATE report_claims SET claimed_at = now(), digest = $2 WHERE event_id = $1 AND "offset" IS NULL
           AND claimed_at < now() - make_interval(secs => $3) RETURNING event_id)
       SELECT event_id FROM taken`,
      [eventId, digest, STALE_CLAIM_SECONDS],
    );
    if (takenOver.length > 0) return { kind: 'claimed' };
    const found = await this.lookup(eventId);
    // Released between our insert and lookup: the caller simply tries again.
    return found.kind === 'absent' ? { kind: 'pending' } : found;
  }

  async lookup(eventId: string): Promise<ClaimOutcome | { kind: 'absent' }> {
    const rows: { partition: number | null; offset: string | null; digest: string }[] = await this.db.query(
      `SELECT partition, "offset", digest FROM report_claims WHERE event_id = $1`,
      [eventId],
    );
    const row = rows[0];
    if (!row) return { kind: 'absent' };
    if (row.partition === null || row.offset === null) return { kind: 'pending' };
    return { kind: 'recorded', position: { partition: row.partition, offset: String(row.offset) }, digest: row.digest };
  }

  async recorded(eventId: string, position: LogPosition): Promise<void> {
    await this.db.query(`UPDATE report_claims SET partition = $2, "offset" = $3 WHERE event_id = $1`, [
      eventId, position.partition, position.offset,
    ]);
  }

  /** Gives a claim back after a failed append, so a retry can append. */
  async release(eventId: string): Promise<void> {
    await this.db.query(`DELETE FROM report_claims WHERE event_id = $1 AND "offset" IS NULL`, [eventId]);
  }

  /** The subject and type of an indexed event, for retraction checks. */
  async indexedEvent(eventId: string): Promise<{ subject: string; type: string } | undefined> {
    const rows: { subject: string; type: string }[] = await this.db.query(
      `SELECT subject, type FROM events WHERE event_id = $1`, [eventId]);
    return rows[0];
  }
}
