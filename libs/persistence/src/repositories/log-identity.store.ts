import { EntityManager } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

/** A projector group's row of `log_identities`: the log its checkpoints belong to, and its refusal. */
export interface LogIdentityRow {
  /** Null until the group has checked a log (a refusal can come first). */
  clusterId: string | null;
  /** Partition → `{offset, mark}` of an applied message. */
  anchors: Record<string, { offset: string; mark: string }>;
  /** Why the projector refuses the log it is given; null while it projects. */
  refusal: { reason: string; message: string; action: string; details?: Record<string, unknown> } | null;
  checkedAt: string;
  /** When a projector of the group last stopped cleanly (null: none has, or one checked since). */
  stoppedAt: string | null;
}

/** Reads and writes `log_identities`; each call takes the caller's manager or transaction. */
export class LogIdentityStore {
  async load(q: Queryable, group: string, topic: string): Promise<LogIdentityRow | undefined> {
    const rows: { cluster_id: string | null; anchors: LogIdentityRow['anchors']; refusal: LogIdentityRow['refusal']; checked_at: Date; stopped_at: Date | null }[] =
      await q.query(`SELECT cluster_id, anchors, refusal, checked_at, stopped_at FROM log_identities WHERE consumer_group = $1 AND topic = $2`, [group, topic]);
    const r = rows[0];
    return r && {
      clusterId: r.cluster_id,
      anchors: r.anchors,
      refusal: r.refusal,
      checkedAt: r.checked_at.toISOString(),
      stoppedAt: r.stopped_at?.toISOString() ?? null,
    };
  }

  /** Records the log the group projects from, and that it refuses nothing. */
  async accept(q: Queryable, group: string, topic: string, clusterId: string, anchors: LogIdentityRow['anchors']): Promise<void> {
    await q.query(
      `INSERT INTO log_identities (consumer_group, topic, cluster_id, anchors, refusal, checked_at) VALUES ($1, $2, $3, $4::jsonb, NULL, now())
       ON CONFLICT (consumer_group, topic) DO UPDATE SET cluster_id = $3, anchors = $4::jsonb, refusal = NULL, checked_at = now(), stopped_at = NULL`,
      [group, topic, clusterId, JSON.stringify(anchors)],
    );
  }

  /** Records why the group refuses its log; the identity it belongs to stays as it was. */
  async refuse(q: Queryable, group: string, topic: string, refusal: NonNullable<LogIdentityRow['refusal']>): Promise<void> {
    await q.query(
      `INSERT INTO log_identities (consumer_group, topic, refusal, checked_at) VALUES ($1, $2, $3::jsonb, now())
       ON CONFLICT (consumer_group, topic) DO UPDATE SET refusal = $3::jsonb, checked_at = now(), stopped_at = NULL`,
      [group, topic, JSON.stringify(refusal)],
    );
  }

  /** A projector of the group stopped cleanly: `rebuild --adopt-log` need not wait for its check to age. */
  async stopped(q: Queryable, group: string, topic: string): Promise<void> {
    await q.query(`UPDATE log_identities SET stopped_at = now() WHERE consumer_group = $1 AND topic = $2`, [group, topic]);
  }

  /** Records a partition's anchor unless it has one. */
  async anchor(q: Queryable, group: string, topic: string, partition: number, anchor: { offset: string; mark: string }): Promise<void> {
    await q.query(
      `UPDATE log_identities SET anchors = jsonb_set(anchors, ARRAY[$3::text], $4::jsonb)
       WHERE consumer_group = $1 AND topic = $2 AND NOT anchors ? $3::text`,
      [group, topic, String(partition), JSON.stringify(anchor)],
    );
  }

  /**
   * The last indexed event of each partition: anchors for a log whose every view was just derived
   * from it (`rebuild --adopt-log`), when the index holds that log's events only.
   */
  async indexedAnchors(q: Queryable): Promise<Map<number, { offset: string; eventId: string }>> {
    const rows: { partition: number; offset: string; event_id: string }[] = await q.query(
      `SELECT DISTINCT ON (partition) partition, "offset", event_id FROM events ORDER BY partition, "offset" DESC`,
    );
    return new Map(rows.map((r) => [r.partition, { offset: String(r.offset), eventId: r.event_id }]));
  }

  /**
   * Deletes the report-id claims of another log: appended before `ends` (partition → the adopted
   * log's end when it was read) yet not indexed at their position, or appended past it before
   * `claimedBefore` (the adopted log was shorter then). Claims not yet appended stay.
   * @returns how many were deleted
   */
  async voidForeignClaims(q: Queryable, ends: ReadonlyMap<number, bigint>, claimedBefore: Date): Promise<number> {
    const rows: unknown[] = await q.query(
      `WITH ends AS (SELECT * FROM unnest($1::int[], $2::bigint[]) AS e(partition, next_offset)),
       gone AS (
         DELETE FROM report_claims c WHERE c."offset" IS NOT NULL AND (
           NOT EXISTS (SELECT 1 FROM ends e WHERE e.partition = c.partition)
           OR EXISTS (SELECT 1 FROM ends e WHERE e.partition = c.partition AND (
             (c."offset" < e.next_offset AND NOT EXISTS (SELECT 1 FROM events v WHERE v.event_id = c.event_id AND v.partition = c.partition AND v."offset" = c."offset"))
             OR (c."offset" >= e.next_offset AND c.claimed_at < $3)))
         ) RETURNING 1)
       SELECT 1 FROM gone`,
      [[...ends.keys()], [...ends.values()].map(String), claimedBefore],
    );
    return rows.length;
  }
}
