import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One change to deliver to one subscription, and how its attempts went (the delivery log). */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDeliveryEntity {
  @PrimaryColumn({ name: 'subscription_id', type: 'text' }) subscriptionId!: string;
  @PrimaryColumn({ type: 'bigint' }) seq!: string;
  @Column({ name: 'change_id', type: 'text' }) changeId!: string;
  @Column({ type: 'text' }) subject!: string;
  @Column({ type: 'text' }) state!: 'pending' | 'delivered' | 'failed';
  @Column({ type: 'int' }) attempts!: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'next_attempt_at', type: 'timestamptz' }) nextAttemptAt!: Date;
  @Column({ name: 'first_attempt_at', type: 'timestamptz', nullable: true }) firstAttemptAt!: Date | null;
  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true }) lastAttemptAt!: Date | null;
  @Column({ name: 'last_status', type: 'int', nullable: true }) lastStatus!: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true }) deliveredAt!: Date | null;
  /** While set and in the future, one worker is attempting this delivery. */
  @Column({ name: 'leased_until', type: 'timestamptz', nullable: true }) leasedUntil!: Date | null;
}
