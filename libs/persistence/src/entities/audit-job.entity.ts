import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A rebuild or verification asked of the workers: who holds it, its progress, its report or failure. */
@Entity({ name: 'audit_jobs' })
export class AuditJobEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) kind!: 'rebuild' | 'verify';
  @Column({ type: 'text' }) topic!: string;
  @Column({ name: 'consumer_group', type: 'text' }) consumerGroup!: string;
  @Column({ name: 'requested_by', type: 'text' }) requestedBy!: string;
  @Column({ type: 'jsonb' }) params!: unknown;
  @Column({ type: 'text' }) status!: 'running' | 'done' | 'failed';
  @Column({ type: 'text' }) phase!: string;
  @Column({ type: 'bigint' }) applied!: string;
  @Column({ type: 'bigint' }) target!: string;
  @Column({ type: 'text', nullable: true }) worker!: string | null;
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true }) leaseUntil!: Date | null;
  @Column({ type: 'int' }) attempts!: number;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  @Column({ type: 'jsonb', nullable: true }) report!: unknown;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode!: string | null;
  @Column({ name: 'error_details', type: 'jsonb', nullable: true }) errorDetails!: unknown;
}
