import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A subject's reducer state after its first `eventCount` events, written by the projector in the
 * same transaction as the view, every `audit.snapshotEvery` events, so as-of replays start near
 * the end instead of at the first event.
 */
@Entity({ name: 'snapshots' })
export class SnapshotEntity {
  @PrimaryColumn({ type: 'text' }) subject!: string;
  @PrimaryColumn({ name: 'event_count', type: 'int' }) eventCount!: number;
  /** Log position of the last event folded in; the replay continues after it. */
  @Column({ type: 'int' }) partition!: number;
  @Column({ type: 'bigint' }) offset!: string;
  @Column({ name: 'max_recorded_at', type: 'timestamptz' }) maxRecordedAt!: Date;
  @Column({ name: 'occurred_until', type: 'timestamptz', nullable: true }) occurredUntil!: Date | null;
  @Column({ type: 'json' }) state!: unknown;
}
