import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Ingest idempotency: a report id is claimed here before it is appended, so the same id sent twice
 * (even in the same millisecond, to different ingest instances) is appended once.
 */
@Entity({ name: 'report_claims' })
export class ReportClaimEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text' }) eventId!: string;
  @Column({ type: 'text' }) subject!: string;
  /** sha-256 of the report as sent, so a reused id with other content is refused */
  @Column({ type: 'text' }) digest!: string;
  @Column({ type: 'int', nullable: true }) partition!: number | null;
  @Column({ type: 'bigint', nullable: true }) offset!: string | null;
  @Column({ name: 'claimed_at', type: 'timestamptz' }) claimedAt!: Date;
}
