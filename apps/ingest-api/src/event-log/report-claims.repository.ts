import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GroupCommit, Settled } from '@newsledger/batching';
import { LogPosition } from '@newsledger/event-log';
import { preparedQuery } from '@newsledger/persistence';
import { DataSource } from 'typeorm';

export type ClaimOutcome =
  | { kind: 'claimed' }
  | { kind: 'recorded'; position: LogPosition; digest: string }
  | { kind: 'pending' };

/** A pending claim older than this is taken over: its owner died between claim and append. */
const STALE_CLAIM_SECONDS = 60;

/** A claim to insert, or the log position to mark on an appended report's claim. */
type ClaimWrite =
  | { kind: 'claim'; eventId: string; subject: string; digest: string }
  | { kind: 'mark'; eventId: string; position: LogPosition };

/**
 * Report ids claimed before their append. The primary key settles a race between two sends of
 * one id (the same millisecond included): exactly one of them appends.
 *
 * Claims and "recorded" marks made at the same time share one statement and one commit (group
 * commit): under load that is one WAL flush for many reports instead of one each, the claims of
 * new reports riding with the marks of those just appended.
 */
@Injectable()
export class ReportClaimsRepository implements OnApplicationShutdown {
  private readonly writes = new GroupCommit((writes: ClaimWrite[]) => this.write(writes));

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The marks of answered reports are not awaited by their answers: they go out before the
   * database closes. Nest calls this once the HTTP server has answered its last request, and before
   * the TypeORM module (global, so shut down last) closes the connection pool. A mark still waiting
   * on the producer's resend of an append in doubt is not waited for: the producer gives up on it
   * at shutdown, and its claim is released, or taken over once stale if the pool closed first.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.writes.idle();
  }

  /** Resolves once every claim and mark submitted so far is written. */
  async settled(): Promise<void> {
    await this.writes.idle();
  }

  async claim(eventId: string, subject: string, digest: string): Promise<ClaimOutcome> {
    if (await this.writes.submit({ kind: 'claim', eventId, subject, digest })) return { kind: 'claimed' };
    // Wrapped in a SELECT so the driver hands back the rows (a bare UPDATE answers [rows, count]).
    const takenOver: unknown[] = await this.db.query(
      `WITH taken AS (
         UPDATE report_claims SET claimed_at = now(), digest = $2 WHERE event_id = $1 AND "offset" IS NULL
           AND claimed_at < now() - make_interval(secs => $3)
           AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = $1) RETURNING event_id)
       SELECT event_id FROM taken`,
      [eventId, digest, STALE_CLAIM_SECONDS],
    );
    if (takenOver.length > 0) return { kind: 'claimed' };
    const found = await this.lookup(eventId);
    // Released between our insert and lookup: the caller simply tries again.
    return found.kind === 'absent' ? { kind: 'pending' } : found;
  }

  async lookup(eventId: string): Promise<ClaimOutcome | { kind: 'absent' }> {
    return (await this.lookupAll([eventId])).get(eventId) ?? { kind: 'absent' };
  }

  /**
   * The claims of these ids, in one query (absent ids are not in the map). A claim never marked
   * (its process died between the append and the mark) whose event the projector has indexed is
   * recorded all the same, at the indexed position: it is on the log, and must not be appended again.
   */
  async lookupAll(eventIds: readonly string[]): Promise<Map<string, Exclude<ClaimOutcome, { kind: 'claimed' }>>> {
    const rows: { event_id: string; partition: number | null; offset: string | null; digest: string }[] = await preparedQuery(this.db,
      `SELECT c.event_id, COALESCE(c.partition, e.partition) AS partition, COALESCE(c."offset", e."offset") AS "offset", c.digest
       FROM report_claims c LEFT JOIN events e ON e.event_id = c.event_id WHERE c.event_id = ANY($1::text[])`,
      [eventIds],
    );
    return new Map(rows.map((row) => [
      row.event_id,
      row.partition === null || row.offset === null
        ? { kind: 'pending' as const }
        : { kind: 'recorded' as const, position: { partition: row.partition, offset: String(row.offset) }, digest: row.digest },
    ]));
  }

  /**
   * Claims many ids in the group statement, with one promise for them all: true for each claim
   * won. A claim not won is settled by {@link claim} (a resend, a conflict or a stale claim).
   */
  async claimAll(claims: readonly { eventId: string; subject: string; digest: string }[]): Promise<Settled<boolean>[]> {
    return this.writes.submitAll(claims.map((c) => ({ kind: 'claim', ...c })));
  }

  async recorded(eventId: string, position: LogPosition): Promise<void> {
    await this.writes.submit({ kind: 'mark', eventId, position });
  }

  /** Marks many appended claims with their positions; each mark's outcome, in order. */
  async recordedAll(marks: readonly { eventId: string; position: LogPosition }[]): Promise<Settled<boolean>[]> {
    return this.writes.submitAll(marks.map((m) => ({ kind: 'mark', ...m })));
  }

  /**
   * Marks the group's appended claims and inserts its new ones in one statement. A resend's claim
   * may meet the first send's mark of the same id here: the mark's row was committed before, so
   * the insert does nothing and the resend then reads the mark. True for each claim this insert
   * won (an id twice in a group: the first, whose digest is the one stored); marks answer true.
   */
  private async write(writes: ClaimWrite[]): Promise<boolean[]> {
    const claims = writes.filter((w) => w.kind === 'claim');
    const marks = writes.filter((w) => w.kind === 'mark');
    // Prepared: planning this statement costs PostgreSQL more than running it for a group of a few claims.
    const rows: { event_id: string }[] = await preparedQuery(this.db,
      `WITH marked AS (
         UPDATE report_claims r SET partition = m.partition, "offset" = m.offset
         FROM UNNEST($4::text[], $5::int[], $6::bigint[]) AS m(event_id, partition, "offset") WHERE r.event_id = m.event_id)
       INSERT INTO report_claims (event_id, subject, digest)
       SELECT DISTINCT ON (event_id) event_id, subject, digest
       FROM UNNEST($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS c(event_id, subject, digest, n) ORDER BY event_id, n
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        claims.map((c) => c.eventId), claims.map((c) => c.subject), claims.map((c) => c.digest),
        marks.map((m) => m.eventId), marks.map((m) => m.position.partition), marks.map((m) => m.position.offset),
      ],
    );
    const won = new Set(rows.map((r) => r.event_id));
    return writes.map((w) => w.kind === 'mark' || won.delete(w.eventId));
  }

  /** Gives a claim back after a failed append, so a retry can append. */
  async release(eventId: string): Promise<void> {
    await this.releaseAll([eventId]);
  }

  /** Gives many claims back after their appends failed. */
  async releaseAll(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.db.query(`DELETE FROM report_claims WHERE event_id = ANY($1::text[]) AND "offset" IS NULL`, [eventIds]);
  }

  /** The subject and type of an indexed event, for retraction checks. */
  async indexedEvent(eventId: string): Promise<{ subject: string; type: string; retractedBy: string | null } | undefined> {
    const rows: { subject: string; type: string; retractedBy: string | null }[] = await this.db.query(
      `SELECT subject, type, retracted_by AS "retractedBy" FROM events WHERE event_id = $1`, [eventId]);
    return rows[0];
  }
}
