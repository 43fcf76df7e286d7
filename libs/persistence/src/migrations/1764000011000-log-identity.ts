import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The log a projector group's checkpoints belong to (cluster id and an applied message per
 * partition), and why it refuses the log it is given, if it does: the query API's `/health` reads
 * the refusal, so a projector pointed at another broker is seen from every process.
 */
export class LogIdentity1764000011000 implements MigrationInterface {
  name = 'LogIdentity1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE log_identities (
        consumer_group text NOT NULL,
        topic text NOT NULL,
        cluster_id text,
        anchors jsonb NOT NULL DEFAULT '{}',
        refusal jsonb,
        checked_at timestamptz NOT NULL DEFAULT now(),
        stopped_at timestamptz,
        PRIMARY KEY (consumer_group, topic)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS log_identities`);
  }
}
