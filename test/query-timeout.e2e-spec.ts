import { INestApplication } from '@nestjs/common';
import { createKafka, encodeStatusChange } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, freshId, ownStack, startApi, testConfig } from '@newsledger/testing';
import { Producer } from 'kafkajs';
import { DataSource, QueryRunner } from 'typeorm';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { FeedStream, openFeed } from './support/feed-client';

// A stack of its own: the test locks its tables. Statements stop after a second; the feed sweeps every 200 ms.
const { schema, topics } = ownStack('qtimeout', { QUERY_STATEMENT_TIMEOUT_MS: '1000', FEED_SWEEP_MS: '200' });

describe("the query API's statement timeout (own schema, real Kafka and PostgreSQL)", () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'query-timeout-spec' });
  let producer: Producer;
  let db: DataSource;
  let query: { app: INestApplication; url: string };
  let admin: ReturnType<typeof client>;
  let locker: QueryRunner | undefined;

  beforeAll(async () => {
    query = await startApi(QueryApiModule);
    db = await openDataSource(testConfig.database.url, 2, schema);
    producer = kafka.producer();
    await producer.connect();
    admin = client(query.url);
  });
  afterEach(async () => {
    if (locker?.isTransactionActive) await locker.rollbackTransaction();
    await locker?.release();
    locker = undefined;
  });
  afterAll(async () => {
    await Promise.all([query?.app.close(), producer?.disconnect()]);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  /** Holds `table` locked against every read until the test ends. */
  async function lock(table: string): Promise<void> {
    locker = db.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    await locker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  }

  /** Whether a statement of the query API is waiting for a lock on `table`. */
  async function waitingOn(table: string): Promise<true | undefined> {
    const [{ waiting }] = await db.query(
      `SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
       WHERE NOT l.granted AND c.relname = $1 AND c.relnamespace = $2::regnamespace`,
      [table, schema],
    );
    return waiting > 0 ? true : undefined;
  }

  it('answers a read held up past the timeout with 503 query_timeout, and reads again once it is free', async () => {
    await lock('views');
    const held = await admin('GET', '/v1/exchanges');
    expect(held).toMatchObject({ status: 503, body: { error: 'query_timeout' } });
    expect(held.headers.get('retry-after')).toBe('5');
    expect(held.body.message).toMatch(/ask for less/);

    await locker!.rollbackTransaction();
    expect(await admin('GET', '/v1/exchanges')).toMatchObject({ status: 200, body: { items: [] } });
  });

  it("goes on delivering the feed while its sweep's reads of the outbox are held up: each is stopped, not waited on", async () => {
    const common = { subject: 'exchange/ua-ru-timeout', causedBy: 'r', recordedAt: '2025-05-23T00:00:00.000Z', level: 'one-party' as const, reason: 'Because.' };
    const cause = { eventId: 'r', type: 'exchange.agreed' as const, confirmation: 'confirmed' as const, source: { name: 'Reuters', kind: 'agency' as const } };
    const change = (seq: number, to: string) =>
      encodeStatusChange({ id: `${freshId('c')}:status`, field: 'status', from: null, to, cause, ...common }, { seq, prevSeq: seq - 1 });
    const feed: FeedStream = await openFeed(query.url, testConfig.adminKey);
    try {
      // The tail joins the topic at its end: the first change is sent again until it has joined
      // (the same message: a resend the feed drops by its position).
      const first = change(1, 'proposed');
      await eventually('the first change through the feed', async () => {
        await producer.send({ topic: topics.statusChanges, messages: [first] });
        return feed.events.length > 0 ? true : undefined;
      });

      await lock('status_changes');
      // A sweep meets the lock (waiting for it, until the statement timeout stops it); the next
      // change comes by Kafka and needs no read.
      await eventually('a sweep waiting on the lock', () => waitingOn('status_changes'));
      await producer.send({ topic: topics.statusChanges, messages: [change(2, 'agreed')] });
      await eventually('the second change, the outbox still locked', async () => (feed.events.length >= 2 ? true : undefined), 20_000);
      expect(locker!.isTransactionActive).toBe(true);
      expect(feed.events.map((e) => [e.position, e.change.to])).toEqual([['1', 'proposed'], ['2', 'agreed']]);
    } finally {
      feed.close();
    }
  });

  it('deletes a webhook subscription with its delivery log however long that takes: the timeout does not bound it', async () => {
    const created = await admin('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/', secret: 'timeout-secret-0123456789', filter: { kind: 'negotiation' } });
    expect(created.status).toBe(201);
    await lock('webhook_deliveries');
    // The delete's cascade waits on the lock for longer than the statement timeout (a second) before it can go.
    const deleting = admin('DELETE', `/v1/subscriptions/${created.body.id}`);
    await eventually('the delete waiting on the lock', () => waitingOn('webhook_deliveries'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await locker!.rollbackTransaction();
    expect(await deleting).toMatchObject({ status: 200, body: { id: created.body.id, deleted: true } });
  });
});
