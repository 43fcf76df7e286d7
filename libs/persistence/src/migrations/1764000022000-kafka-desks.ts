import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys on Kafka: the Kafka user a key publishes with (NULL: an HTTP key). One active key per name
 * on Kafka, since the name is its inbound topic's.
 */
export class KafkaDesks1764000022000 implements MigrationInterface {
  name = 'KafkaDesks1764000022000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN kafka_user text`);
    await q.query(`CREATE UNIQUE INDEX api_keys_active_kafka_name ON api_keys (name) WHERE kafka_user IS NOT NULL AND revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX api_keys_active_kafka_name`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN kafka_user`);
  }
}
