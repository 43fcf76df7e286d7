import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A negotiation read at a point in time (`asOf`/`validAt`) finds the agreements that link
 * exchanges to it in the event index: `type = 'exchange.agreed' AND data->>'negotiation' = $1`.
 * Without this index that is a scan of every event. Partial, so it holds the agreements only.
 */
export class AgreementsByNegotiation1764000014100 implements MigrationInterface {
  name = 'AgreementsByNegotiation1764000014100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_agreed_negotiation ON events ((data->>'negotiation')) WHERE type = 'exchange.agreed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS events_agreed_negotiation`);
  }
}
