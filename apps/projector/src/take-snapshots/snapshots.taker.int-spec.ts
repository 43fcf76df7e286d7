import { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@newsledger/config';
import { createKafka } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { eventually, freshId, ownStack, startContext, testConfig } from '@newsledger/testing';
import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ProjectorModule } from '../projector.module';
import { SnapshotsTaker } from './snapshots.taker';

function report(subject: string, type: string, data: unknown) {
  return JSON.stringify({
    specversion: '1.0', id: freshId('e'), type, subject, source: 'newsroom/snapshot-desk', time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { source: { name: 'Reuters', kind: 'agency' }, confirmation: 'reported', data },
  });
}

// Its own schema and topics: a round takes every due subject of its schema, and must see only this file's.
const { schema, topics } = ownStack('snapshots');

describe('snapshots taker (real Kafka and PostgreSQL)', () => {
  let projector: INestApplicationContext;
  let producer: Producer;
  let db: DataSource;

  beforeAll(async () => {
    // Four connections: the round, the switch and the test's look at pg_locks at once. Opening it
    // migrates the schema before the projector starts on it.
    db = await openDataSource(testConfig.database.url, 4, schema);
    producer = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'snapshots-int-spec' }).producer();
    await producer.connect();
    projector = await startContext(ProjectorModule);
  });
  afterAll(async () => {
    await Promise.all([projector?.close(), producer?.disconnect()]);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('waits for a rebuild switch that holds the event index instead of deadlocking with it, then takes its snapshot', async () => {
    const subject = `exchange/${freshId('snap')}`;
    await producer.send({
      topic: topics.events,
      messages: [
        report(subject, 'exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 84, RU: 84 } }),
        report(subject, 'exchange.underway', { location: 'Belarus border' }),
        report(subject, 'exchange.completed', {}),
      ].map((value) => ({ key: subject, value })),
    });
    await eventually('the view', async () => (await db.query(`SELECT 1 FROM views WHERE subject = $1 AND event_count = 3`, [subject]))[0]);

    // A snapshot every 2 events: this subject is due one, which the app's own taker (every 500) leaves.
    const config = loadConfig();
    const taker = new SnapshotsTaker({ ...config, audit: { ...config.audit, snapshotEvery: 2 } }, db);
    // A switch under way renames the event index first and the snapshots last (GENERATION_TABLES).
    const swap = db.createQueryRunner();
    await swap.connect();
    try {
      await swap.startTransaction();
      await swap.query(`LOCK TABLE events IN ACCESS EXCLUSIVE MODE`);
      const round = taker.round();
      await eventually('the round waiting for the event index', async () =>
        (await db.query(`SELECT 1 FROM pg_locks WHERE relation = 'events'::regclass AND NOT granted`))[0],
      );
      // A round that already read the snapshots would now wait for the switch while the switch
      // waits for it: PostgreSQL aborts one of them after deadlock_timeout.
      await swap.query(`LOCK TABLE snapshots IN ACCESS EXCLUSIVE MODE`);
      await swap.commitTransaction();
      await expect(round).resolves.toBe(1);
    } finally {
      if (swap.isTransactionActive) await swap.rollbackTransaction();
      await swap.release();
    }
    const taken = await db.query(`SELECT event_count FROM snapshots WHERE subject = $1`, [subject]);
    expect(taken).toEqual([{ event_count: 2 }]);
  });

  it('looks over every view once, then asks only about the subjects announced by batches that passed a multiple', async () => {
    const [a, b, c] = [`exchange/${freshId('snap-a')}`, `exchange/${freshId('snap-b')}`, `exchange/${freshId('snap-c')}`];
    const send = (subject: string, n: number) =>
      producer.send({
        topic: topics.events,
        messages: Array.from({ length: n }, () => ({ key: subject, value: report(subject, 'exchange.underway', { location: 'Belarus border' }) })),
      });
    const counted = (subject: string, n: number) =>
      eventually(`${subject} at ${n} events`, async () => (await db.query(`SELECT 1 FROM views WHERE subject = $1 AND event_count = $2`, [subject, n]))[0]);
    const snapshotsOf = async (subject: string) =>
      (await db.query(`SELECT event_count FROM snapshots WHERE subject = $1 ORDER BY event_count`, [subject])).map((r: { event_count: number }) => r.event_count);

    await send(a, 3);
    await counted(a, 3);
    const config = loadConfig();
    const taker = new SnapshotsTaker({ ...config, audit: { ...config.audit, snapshotEvery: 2 } }, db);
    // The first round looks over every view.
    await taker.round();
    expect(await snapshotsOf(a)).toEqual([2]);

    await send(a, 2);
    await send(b, 3);
    await send(c, 11);
    await Promise.all([counted(a, 5), counted(b, 3), counted(c, 11)]);
    // Only b and c are announced (this taker is not the app's, whose batches announce to its own).
    taker.applied({
      views: [{ subject: b, eventCount: 3 }, { subject: c, eventCount: 11 }],
      events: [...Array(3).fill({ subject: b }), ...Array(11).fill({ subject: c })],
    });
    // A replay stores four snapshots at most: c, five behind, is asked about again in the next round.
    await expect(taker.round()).resolves.toBe(5);
    await expect(taker.round()).resolves.toBe(1);
    expect(await snapshotsOf(b)).toEqual([2]);
    expect(await snapshotsOf(c)).toEqual([2, 4, 6, 8, 10]);
    // a is due at 4 too, but no batch of this process said so: the next sweep finds it.
    expect(await snapshotsOf(a)).toEqual([2]);
    await expect(taker.round()).resolves.toBe(0);

    // Another view table in its place, as a rebuild's switch leaves it: the next round looks over every view.
    await db.transaction(async (m) => {
      await m.query(`ALTER TABLE views RENAME TO views_switched`);
      await m.query(`CREATE TABLE views (LIKE views_switched INCLUDING ALL)`);
      await m.query(`INSERT INTO views SELECT * FROM views_switched`);
      await m.query(`DROP TABLE views_switched`);
    });
    await expect(taker.round()).resolves.toBe(1);
    expect(await snapshotsOf(a)).toEqual([2, 4]);
  });
});
