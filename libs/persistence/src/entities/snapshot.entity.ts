import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A subject's full reducer state after its first `eventCount` events, taken behind the projection
 * every `audit.snapshotEvery` events, so reads (live, lists, as-of) and retractions replay from
 * near the end instead of from the first event.
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
  /** The domain's `STATE_VERSION` the state was written under; reads use only the current one. */
  @Column({ name: 'state_version', type: 'int', default: 1 }) stateVersion!: number;
  @Column({ type: 'json' }) state!: unknown;
}
