import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A webhook: where one key wants the changes of one feed (topic) that match its filter. */
@Entity({ name: 'webhook_subscriptions' })
export class WebhookSubscriptionEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) topic!: string;
  @Column({ name: 'owner_key_id', type: 'text' }) ownerKeyId!: string;
  @Column({ type: 'text' }) url!: string;
  @Column({ type: 'jsonb' }) filter!: unknown;
  /** Kept as given: every delivery is signed with it. Never returned by the API. */
  @Column({ type: 'text' }) secret!: string;
  /** Changes up to this feed position have been queued as deliveries. */
  @Column({ name: 'cursor_seq', type: 'bigint' }) cursorSeq!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true }) disabledAt!: Date | null;
  @Column({ name: 'disabled_reason', type: 'text', nullable: true }) disabledReason!: string | null;
}
