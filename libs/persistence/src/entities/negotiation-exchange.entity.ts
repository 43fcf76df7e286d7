import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Exchanges agreed under a negotiation: a cross-subject link kept beside the views. */
@Entity({ name: 'negotiation_exchanges' })
@Index('negotiation_exchanges_negotiation', ['negotiation'])
export class NegotiationExchangeEntity {
  @PrimaryColumn({ name: 'event_id', type: 'text' }) eventId!: string;
  @Column({ type: 'text' }) negotiation!: string;
  @Column({ type: 'text' }) exchange!: string;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt!: Date;
}
