import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GroupCommit, Settled } from '@newsledger/batching';
import { LogPosition } from '@newsledger/event-log';
import { preparedQuery } from '@newsledger/persistence';
import { DataSource } from 'typeorm';

export type ClaimOutcome =
  | { kind: 'claimed' }
  | { kind: 'recorded'; position: LogPosition; digest: string }
  | { kind: 'pending' }
  /** The key the claim was made with (see {@link ReportClaimsRepository.claim}) is revoked: nothing was written. */
  | { kind: 'key_revoked' };

/** A pending claim older than this is taken over: its owner died between claim and append. */
const STALE_CLAIM_SECONDS = 60;

/**
 * How long an appended report's claim is left to the projector's event index before this process
 * marks it itself: long enough that the projector has settled nearly all of them (the mark then
 * writes nothing), far below {@link STALE_CLAIM_SECONDS}.
 */
const MARK_AFTER_MS = 2_000;

/** A claim to insert (only while `keyId`'s key is not revoked, when given), or the log position to mark on an appended report's claim. */
type ClaimWrite =
  | { kind: 'claim'; eventId: string; subject: string; digest: string; keyId?: string }
  | { kind: 'mark'; eventId: string; position: LogPosition };

/** What a write of the group came to: a claim won, one an earlier send holds, or one refused for its revoked key. Marks are `won`. */
type WriteResult = 'won' | 'taken' | 'key_revoked';

/**
 * Report ids claimed before their append. The primary key settles a race between two sends of
 * one id (the same millisecond included): exactly one of them appends.
 *
 * A report costs one write here, its claim: the projector's event index settles it (sets its log
 * position) in the transaction that indexes the report. Until then a resend to this process is
 * answered from its memory of the ids it appended; a resend to another process waits for the claim
 * to be settled, by the projector or, should none be running, by this process's own mark, a few
 * seconds later (see {@link appended}). Claims and marks made at the same time share one statement
 * and one commit (group commit): under load one WAL flush for many reports instead of one each.
 */
@Injectable()
export class ReportClaimsRepository implements OnApplicationShutdown {
  private readonly writes = new GroupCommit((writes: ClaimWrite[]): Promise<WriteResult[]> => this.write(writes));
  /** Reports this process appended whose claims it has not marked itself yet, with their content's digest. */
  private readonly unsettled = new Map<string, { position: LogPosition; digest: string }>();
  private markTimer: NodeJS.Timeout | undefined;
  private readonly logger = new Logger('ingest');

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The marks of answered reports are not awaited by their answers: they go out before the
   * database closes. Nest calls this once the HTTP server has answered its last request, and before
   * the TypeORM module (global, so shut down last) closes the connection pool. A mark still waiting
   * on the producer's resend of an append in doubt is not waited for: the producer gives up on it
   * at shutdown, and its claim is released, or taken over once stale if the pool closed first.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.markUnsettled();
    await this.writes.idle();
  }

  /** Resolves once every claim submitted so far is written, and every appended report's claim marked (see {@link appended}). */
  async settled(): Promise<void> {
    await this.markUnsettled();
    await this.writes.idle();
  }

  /**
   * Claims an id, or says what holds it.
   * @param keyId - a key whose revocation the claim checks in its own statement (a request whose key row was not read): revoked, nothing is written
   */
  async claim(eventId: string, subject: string, digest: string, keyId?: string): Promise<ClaimOutcome> {
    const written = await this.writes.submit({ kind: 'claim', eventId, subject, digest, ...(keyId === undefined ? {} : { keyId }) });
    if (written === 'key_revoked') return { kind: 'key_revoked' };
    if (written === 'won') return { kind: 'claimed' };
    const appended = this.unsettled.get(eventId);
    if (appended) return { kind: 'recorded', ...appended };
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

  async lookup(eventId: string): Promise<Extract<ClaimOutcome, { kind: 'recorded' | 'pending' }> | { kind: 'absent' }> {
    return (await this.lookupAll([eventId])).get(eventId) ?? { kind: 'absent' };
  }

  /**
   * The claims of these ids, in one query (absent ids are not in the map). A claim never marked
   * (its process died between the append and the mark) whose event the projector has indexed is
   * recorded all the same, at the indexed position: it is on the log, and must not be appended again.
   */
  async lookupAll(eventIds: readonly string[]): Promise<Map<string, Extract<ClaimOutcome, { kind: 'recorded' | 'pending' }>>> {
    const rows: { event_id: string; partition: number | null; offset: string | null; digest: string }[] = await preparedQuery(this.db,
      `SELECT c.event_id, COALESCE(c.partition, e.partition) AS partition, COALESCE(c."offset", e."offset") AS "offset", c.digest
       FROM report_claims c LEFT JOIN events e ON e.event_id = c.event_id WHERE c.event_id = ANY($1::text[])`,
      [eventIds],
    );
    return new Map(rows.map((row) => {
      const appended = this.unsettled.get(row.event_id);
      return [
        row.event_id,
        appended
          ? { kind: 'recorded' as const, ...appended }
          : row.partition === null || row.offset === null
            ? { kind: 'pending' as const }
            : { kind: 'recorded' as const, position: { partition: row.partition, offset: String(row.offset) }, digest: row.digest },
      ];
    }));
  }

  /**
   * Claims many ids in the group statement, with one promise for them all: true for each claim
   * won. A claim not won is settled by {@link claim} (a resend, a conflict or a stale claim).
   */
  async claimAll(claims: readonly { eventId: string; subject: string; digest: string }[]): Promise<Settled<boolean>[]> {
    const written = await this.writes.submitAll(claims.map((c) => ({ kind: 'claim' as const, ...c })));
    return written.map((w) => (w.ok ? { ok: true, value: w.value === 'won' } : w));
  }

  /** Marks a claim recorded at this position now (an append settled outside the projector's sight, such as a retraction's lock). */
  async recorded(eventId: string, position: LogPosition): Promise<void> {
    await this.writes.submit({ kind: 'mark', eventId, position });
  }

  /**
   * A report appended at `position` under its claim, which the projector's event index settles
   * when it indexes the report. A resend to this process is answered from here at once; this
   * process marks the claim itself {@link MARK_AFTER_MS} later, in one statement for all appended
   * meanwhile, so a resend elsewhere is answered even while no projector runs (and the claim never
   * turns stale). That mark writes nothing for a claim the projector settled.
   */
  appended(eventId: string, digest: string, position: LogPosition): void {
    this.unsettled.set(eventId, { position, digest });
    this.markLater();
  }

  /** The timer does not hold the process open: shutdown marks what is left. */
  private markLater(): void {
    this.markTimer ??= setTimeout(() => void this.markUnsettled(), MARK_AFTER_MS).unref();
  }

  /** Marks the claims of the reports appended since the last time; those that fail stay for the next. */
  private async markUnsettled(): Promise<void> {
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    const marks = [...this.unsettled].map(([eventId, { position }]) => ({ eventId, position }));
    if (marks.length === 0) return;
    const outcomes = await this.writes.submitAll(marks.map((m) => ({ kind: 'mark' as const, ...m })));
    const failed = outcomes.find((o): o is { ok: false; error: unknown } => !o.ok);
    marks.forEach((m, k) => outcomes[k].ok && this.unsettled.delete(m.eventId));
    if (failed) {
      this.logger.warn({ claims: this.unsettled.size, err: failed.error }, 'appended, but their claims could not be marked recorded yet; retrying');
      this.markLater();
    }
  }

  /**
   * Marks the group's appended claims and inserts its new ones in one statement. A resend's claim
   * may meet the first send's mark of the same id here: the mark's row was committed before, so
   * the insert does nothing and the resend then reads the mark. An id twice in a group: the first
   * is won, whose digest is the one stored. A claim with a key id is inserted only while that key
   * is not revoked, read by this same statement: a revocation committed before it is seen.
   */
  private async write(writes: ClaimWrite[]): Promise<WriteResult[]> {
    const claims = writes.filter((w) => w.kind === 'claim');
    const marks = writes.filter((w) => w.kind === 'mark');
    // Prepared: planning this statement costs PostgreSQL more than running it for a group of a few claims.
    const rows: { id: string; live_key: boolean }[] = await preparedQuery(this.db,
      `WITH marked AS (
         UPDATE report_claims r SET partition = m.partition, "offset" = m.offset
         FROM UNNEST($4::text[], $5::int[], $6::bigint[]) AS m(event_id, partition, "offset") WHERE r.event_id = m.event_id AND r."offset" IS NULL),
       live AS (SELECT id FROM api_keys WHERE id = ANY($7::text[]) AND revoked_at IS NULL),
       inserted AS (
         INSERT INTO report_claims (event_id, subject, digest)
         SELECT DISTINCT ON (event_id) event_id, subject, digest
         FROM UNNEST($1::text[], $2::text[], $3::text[], $7::text[]) WITH ORDINALITY AS c(event_id, subject, digest, key_id, n)
         WHERE c.key_id IS NULL OR c.key_id IN (SELECT id FROM live)
         ORDER BY event_id, n
         ON CONFLICT DO NOTHING RETURNING event_id)
       SELECT event_id AS id, false AS live_key FROM inserted UNION ALL SELECT id, true FROM live`,
      [
        claims.map((c) => c.eventId), claims.map((c) => c.subject), claims.map((c) => c.digest),
        marks.map((m) => m.eventId), marks.map((m) => m.position.partition), marks.map((m) => m.position.offset),
        claims.map((c) => c.keyId ?? null),
      ],
    );
    const won = new Set(rows.filter((r) => !r.live_key).map((r) => r.id));
    const live = new Set(rows.filter((r) => r.live_key).map((r) => r.id));
    return writes.map((w): WriteResult => {
      if (w.kind === 'mark') return 'won';
      if (w.keyId !== undefined && !live.has(w.keyId)) return 'key_revoked';
      return won.delete(w.eventId) ? 'won' : 'taken';
    });
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
