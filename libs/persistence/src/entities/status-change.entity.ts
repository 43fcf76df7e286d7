import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Outbox of status changes, written with the views that changed; a relay publishes it to `topic`. */
@Entity({ name: 'status_changes' })
@Index('status_changes_unpublished', ['topic', 'seq'], { where: 'published_at IS NULL' })
@Index('status_changes_topic_seq', ['topic', 'seq'])
@Index('status_changes_topic_subject_seq', ['topic', 'subject', 'seq'])
export class StatusChangeEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  /** The feed position: assigned in commit order (see ProjectionStore.writeBatch). */
  @Column({ type: 'bigint', generated: 'increment', unique: true }) seq!: string;
  @Column({ type: 'text' }) topic!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text' }) field!: string;
  @Column({ name: 'from_value', type: 'text', nullable: true }) from!: string | null;
  @Column({ name: 'to_value', type: 'text', nullable: true }) to!: string | null;
  @Column({ name: 'caused_by', type: 'text' }) causedBy!: string;
  @Column({ name: 'retraction_of', type: 'text', nullable: true }) retractionOf!: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt!: Date;
  /** The message's `cause`, `level`, `reason` and kind-specific fields; null on rows recorded before they existed. */
  @Column({ type: 'jsonb', nullable: true }) payload!: Record<string, unknown> | null;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
}
