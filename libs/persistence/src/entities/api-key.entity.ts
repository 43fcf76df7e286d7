import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An API key: only a scrypt hash of its secret is kept. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'text' }) id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', array: true }) scopes!: string[];
  /** The subject kinds it may write; null: every kind. */
  @Column({ name: 'subject_kinds', type: 'text', array: true, nullable: true }) subjectKinds!: string[] | null;
  /** Its Kafka user, for a key that publishes on Kafka; null: HTTP only. */
  @Column({ name: 'kafka_user', type: 'text', nullable: true }) kafkaUser!: string | null;
  @Column({ name: 'secret_hash', type: 'text' }) secretHash!: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}
