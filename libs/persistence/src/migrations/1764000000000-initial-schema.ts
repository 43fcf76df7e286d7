import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE events (
        event_id text PRIMARY KEY,
        subject text NOT NULL,
        kind text NOT NULL,
        type text NOT NULL,
        partition int NOT NULL,
        "offset" bigint NOT NULL,
        recorded_at timestamptz NOT NULL,
        occurred_at text,
        ingestor text NOT NULL,
        source jsonb NOT NULL,
        confirmation text NOT NULL,
        data jsonb NOT NULL,
        note text,
        retracted_by text
      )`);
    await q.query(`CREATE INDEX events_subject_position ON events (subject, partition, "offset")`);
    
    await q.query(`
      CREATE TABLE views (
        subject text PRIMARY KEY,
        kind text NOT NULL,
        status text,
        reported_status text,
        parties text[] NOT NULL DEFAULT '{}',
        event_count int NOT NULL,
        last_recorded_at timestamptz NOT NULL,
        state jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX views_kind_recent ON views (kind, last_recorded_at DESC, subject)`);
    await q.query(`CREATE INDEX views_parties ON views USING gin (parties)`);
    await q.query(`
      CREATE TABLE projector_offsets (
        consumer_group text NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        next_offset bigint NOT NULL,
        PRIMARY KEY (consumer_group, topic, partition)
      )`);
    await q.query(`
      CREATE TABLE negotiation_exchanges (
        event_id text PRIMARY KEY,
        negotiation text NOT NULL,
        exchange text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX negotiation_exchanges_negotiation ON negotiation_exchanges (negotiation)`);
    await q.query(`
      CREATE TABLE status_changes (
        id text PRIMARY KEY,
        seq bigserial UNIQUE,
        subject text NOT NULL,
        kind text NOT NULL,
        field text NOT NULL,
        from_value text,
        to_value text,
        caused_by text NOT NULL,
        retraction_of text,
        recorded_at timestamptz NOT NULL,
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX status_changes_unpublished ON status_changes (seq) WHERE published_at IS NULL`);
    await q.query(`
      CREATE TABLE report_claims (
        event_id text PRIMARY KEY,
        subject text NOT NULL,
        digest text NOT NULL,
        partition int,
        "offset" bigint,
        claimed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        scopes text[] NOT NULL,
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['api_keys', 'report_claims', 'status_changes', 'negotiation_exchanges', 'projector_offsets', 'views', 'events']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
