import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row per subject: the bounded summary the projector moves on (JSONB, the domain's
 * `SubjectSummary`) plus the columns the list endpoints filter on. The public view is replayed
 * from the event index and snapshots when read. `state` holds a full state only in rows written
 * before summaries existed.
 */
@Entity({ name: 'views' })
@Index('views_kind_recent', ['kind', 'lastRecordedAt', 'subject'])
export class ViewEntity {
  @PrimaryColumn({ type: 'text' }) subject!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text', nullable: true }) status!: string | null;
  @Column({ name: 'reported_status', type: 'text', nullable: true }) reportedStatus!: string | null;
  /** The corroboration level of the `reportedStatus` stage (exchanges). */
  @Column({ type: 'text', nullable: true }) level!: string | null;
  /** Whether a figure of the view is disputed (exchanges). */
  @Column({ type: 'boolean', default: false }) disputed!: boolean;
  @Column({ type: 'text', array: true }) parties!: string[];
  /** What a list's `q` matches (contract §7.6): id, title, parties, source names, mediators, venues, lower case. */
  @Column({ type: 'text', default: '' }) search!: string;
  @Column({ name: 'event_count', type: 'int' }) eventCount!: number;
  @Column({ name: 'last_recorded_at', type: 'timestamptz' }) lastRecordedAt!: Date;
  @Column({ type: 'jsonb', nullable: true }) summary!: unknown;
  @Column({ type: 'jsonb', nullable: true }) state!: unknown;
}
