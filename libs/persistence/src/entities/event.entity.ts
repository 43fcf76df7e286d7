import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The event index: every accepted event with its log position, in log order per subject. The event
 * id is the identity; a position alone is not unique (a re-sent id lands at a second offset).
 */
@Entity({ name: 'events' })
@Index('events_subject_position', ['subject', 'partition', 'offset'])
export class EventEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text' }) eventId!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ type: 'text' }) kind!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'int' }) partition!: number;
  @Column({ type: 'bigint' }) offset!: string;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt!: Date;
  @Column({ name: 'occurred_at', type: 'text', nullable: true }) occurredAt!: string | null;
  @Column({ type: 'text' }) ingestor!: string;
  @Column({ type: 'jsonb' }) source!: unknown;
  @Column({ type: 'text' }) confirmation!: string;
  /** As recorded, in version {@link dataVersion} of its type: read it through the domain's `upcast`. */
  @Column({ type: 'jsonb' }) data!: unknown;
  @Column({ name: 'data_version', type: 'smallint', default: 1 }) dataVersion!: number;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ name: 'retracted_by', type: 'text', nullable: true }) retractedBy!: string | null;
}
