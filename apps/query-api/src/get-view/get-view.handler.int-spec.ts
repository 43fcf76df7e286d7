import { LogMessage } from '@newsledger/event-log';
import { openDataSource, ProjectionStore, SubjectStateStore } from '@newsledger/persistence';
import { projectMessages, storeLookups } from '@newsledger/projection';
import { freshId, testConfig } from '@newsledger/testing';
import { DataSource } from 'typeorm';
import { GetViewQuery } from './get-view.query';
import { AGREEMENTS_SQL, GetViewHandler } from './get-view.handler';

/** A CloudEvent on partition 0 at `offset`, recorded at `recordedAt`. */
function message(offset: number, recordedAt: string, subject: string, type: string, data: unknown): LogMessage {
  const event = {
    specversion: '1.0', id: freshId('ev'), type, subject, source: 'newsroom/get-view-spec', time: recordedAt,
    datacontenttype: 'application/json', data: { source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data },
  };
  return { partition: 0, offset: String(offset), key: subject, value: Buffer.from(JSON.stringify(event)), timestamp: recordedAt, appendTime: true };
}

describe('a negotiation view and the exchanges agreed in it (real PostgreSQL)', () => {
  let db: DataSource;
  const store = new ProjectionStore();
  const states = new SubjectStateStore();
  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 2);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  /** Indexes and projects `messages` as the projector does (views, links), in one transaction. */
  async function project(messages: LogMessage[]): Promise<void> {
    await db.transaction(async (m) => {
      const out = await projectMessages(messages, storeLookups(m, store, states));
      expect(out.rejected).toEqual([]);
      const { retracted, views, unlinks, links } = out;
      await store.writeBatch(m, { retracted, views, unlinks, links, checkpoints: { group: 'get-view-spec', topic: 'none', next: new Map() } });
    });
  }

  it('lists an exchange\'s agreements in log order, live and as of now alike', async () => {
    const negotiation = `negotiation/${freshId('talks')}`;
    const exchange = `exchange/${freshId('swap')}`;
    const agreed = { parties: ['UA', 'RU'], negotiation };
    // The second agreement on the log carries the earlier recording time (two ingest instances, clocks apart).
    const log = [
      message(1, '2025-05-16T10:00:00.000Z', negotiation, 'negotiation.round.held', { round: 1 }),
      message(2, '2025-05-16T12:00:00.000Z', exchange, 'exchange.agreed', agreed),
      message(3, '2025-05-16T11:00:00.000Z', exchange, 'exchange.agreed', agreed),
    ];
    await project(log);
    const ids = log.slice(1).map((m) => JSON.parse(String(m.value)).id as string);

    const handler = new GetViewHandler(db);
    const live = await handler.execute(new GetViewQuery('negotiation', negotiation, {}));
    const asOf = await handler.execute(new GetViewQuery('negotiation', negotiation, { asOf: '2030-01-01T00:00:00.000Z' }));
    expect(live.view.evidence).toMatchObject({ exchanges: { [exchange]: ids } });
    expect((asOf.view.evidence as { exchanges: unknown }).exchanges).toEqual((live.view.evidence as { exchanges: unknown }).exchanges);
  });

  it('finds a negotiation\'s agreements at a point in time through their index, not a scan of the event index', async () => {
    const plan = await db.transaction(async (m) => {
      // The test database is small: without this the planner may rightly prefer a scan; with it, a
      // scan is chosen only when no index can serve the query at all.
      await m.query(`SET LOCAL enable_seqscan = off`);
      const [row]: { 'QUERY PLAN': unknown }[] = await m.query(`EXPLAIN (FORMAT JSON) ${AGREEMENTS_SQL.replace('$1', "'negotiation/any'")}`);
      return JSON.stringify(row['QUERY PLAN']);
    });
    expect(plan).toContain('"Index Name":"events_agreed_negotiation"');
    expect(plan).not.toContain('"Node Type":"Seq Scan"');
  });
});
