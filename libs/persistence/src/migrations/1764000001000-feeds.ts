import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Status-change feeds: each outbox row names the topic it is relayed to (so deployments, and test
 * runs, sharing a database keep separate feeds), and webhook subscriptions with their delivery log.
 */
export class Feeds1764000001000 implements MigrationInterface {
  name = 'Feeds1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE status_changes ADD COLUMN topic text`);
    // Rows written before the relay existed go to the default topic.
    await q.query(`UPDATE status_changes SET topic = 'newsledger.status-changes'`);
    await q.query(`ALTER TABLE status_changes ALTER COLUMN topic SET NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS status_changes_unpublished`);
    await q.query(`CREATE INDEX status_changes_unpublished ON status_changes (topic, seq) WHERE published_at IS NULL`);
    await q.query(`CREATE INDEX status_changes_topic_seq ON status_changes (topic, seq)`);
    await q.query(`CREATE INDEX status_changes_topic_subject_seq ON status_changes (topic, subject, seq)`);
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id text PRIMARY KEY,
        topic text NOT NULL,
        owner_key_id text NOT NULL,
        url text NOT NULL,
        filter jsonb NOT NULL,
        secret text NOT NULL,
        cursor_seq bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz,
        disabled_reason text
      )`);
    await q.query(`CREATE INDEX webhook_subscriptions_topic ON webhook_subscriptions (topic) WHERE disabled_at IS NULL`);
    await q.query(`CREATE INDEX webhook_subscriptions_owner ON webhook_subscriptions (owner_key_id, created_at)`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        subscription_id text NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        change_id text NOT NULL,
        subject text NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        first_attempt_at timestamptz,
        last_attempt_at timestamptz,
        last_status int,
        last_error text,
        delivered_at timestamptz,
        leased_until timestamptz,
        PRIMARY KEY (subscription_id, seq)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscription_id, subject, seq) WHERE state = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await q.query(`DROP TABLE IF EXISTS webhook_subscriptions`);
    await q.query(`DROP INDEX IF EXISTS status_changes_topic_subject_seq`);
    await q.query(`DROP INDEX IF EXISTS status_changes_topic_seq`);
    await q.query(`DROP INDEX IF EXISTS status_changes_unpublished`);
    await q.query(`CREATE INDEX status_changes_unpublished ON status_changes (seq) WHERE published_at IS NULL`);
    await q.query(`ALTER TABLE status_changes DROP COLUMN topic`);
  }
}
