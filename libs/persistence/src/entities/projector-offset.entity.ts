import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The projector's checkpoint: the next offset to apply, written in the same transaction as the views. */
@Entity({ name: 'projector_offsets' })
export class ProjectorOffsetEntity {
  @PrimaryColumn({ name: 'consumer_group', type: 'text' }) consumerGroup!: string;
  @PrimaryColumn({ type: 'text' }) topic!: string;
  @PrimaryColumn({ type: 'int' }) partition!: number;
  @Column({ name: 'next_offset', type: 'bigint' }) nextOffset!: string;
}
