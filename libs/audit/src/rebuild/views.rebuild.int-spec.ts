import { createKafka, ensureTopics } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { freshId, ownStack, testConfig } from '@newsledger/testing';
import { DataSource } from 'typeorm';
import { AuditError } from '../audit.error';
import { ViewsRebuild } from './views.rebuild';

// A schema of its own: a rebuild makes and drops tables beside the live ones.
const { run, schema, topics } = ownStack('rebuildcancel');

describe('ViewsRebuild (real Kafka and PostgreSQL)', () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'rebuild-int-spec' });
  let db: DataSource;

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 4, schema);
    await ensureTopics(kafka, { ...topics, eventsPartitions: 2 });
  });
  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('fails a cancelled rebuild with AuditError rebuild_cancelled, as the library promises, and leaves no new generation behind', async () => {
    const id = freshId('cancelled');
    const rebuild = await ViewsRebuild.begin(db, kafka, {
      id, topic: topics.events, liveGroup: `${run}-projector`, switchLag: 0, switchTimeoutMs: 1000, lockTimeoutMs: 500,
    });
    rebuild.cancel();
    const failed = await rebuild.run().then(() => undefined, (e: unknown) => e);
    expect(failed).toBeInstanceOf(AuditError);
    expect(failed).toMatchObject({ code: 'rebuild_cancelled', details: { rebuildId: id } });
    const left: unknown[] = await db.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE '%\\_\\_next'`, [schema]);
    expect(left).toEqual([]);
    // The lock went with it: the next rebuild may begin.
    const next = await ViewsRebuild.begin(db, kafka, { id: freshId('next'), topic: topics.events, liveGroup: `${run}-projector`, switchLag: 0, switchTimeoutMs: 1000, lockTimeoutMs: 500 });
    next.cancel();
    await expect(next.run()).rejects.toMatchObject({ code: 'rebuild_cancelled' });
  });
});
