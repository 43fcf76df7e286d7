import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One rebuild of the views: its progress while it runs and its report when it ends. */
@Entity({ name: 'rebuilds' })
export class RebuildEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) topic!: string;
  @Column({ name: 'requested_by', type: 'text' }) requestedBy!: string;
  @Column({ type: 'text' }) status!: 'running' | 'done' | 'failed';
  @Column({ type: 'text' }) phase!: string;
  @Column({ type: 'bigint' }) applied!: string;
  @Column({ type: 'bigint' }) target!: string;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  @Column({ type: 'jsonb', nullable: true }) report!: unknown;
  @Column({ type: 'text', nullable: true }) error!: string | null;
}
