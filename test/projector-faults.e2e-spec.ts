import { createKafka, ensureTopics } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { eventually, freshId, testConfig } from '@newsledger/testing';
import { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { DataSource } from 'typeorm';
import { expectViewsEqualFreshReplay, indexedCount, makeExchangeEvents, spawnProjector } from './support/crash-fixture';

const TOTAL = 4000;

function faultEnv(runId: string, topics: { events: string; statusChanges: string; dlq: string }): NodeJS.ProcessEnv {
  return {
    ...process.env, EVENTS_TOPIC: topics.events, STATUS_CHANGES_TOPIC: topics.statusChanges, DLQ_TOPIC: topics.dlq,
    PROJECTOR_GROUP_ID: `${runId}-group`, LOG_LEVEL: 'warn',
    // A killed member holds its partitions until its session expires: keep that short here.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  };
}

describe('projector faults (real Kafka and PostgreSQL)', () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, clientId: 'fault-spec' });
  const children: ChildProcess[] = [];
  let db: DataSource;

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 2);
  });
  afterAll(async () => {
    for (const c of children.filter((x) => x.exitCode === null && x.signalCode === null)) {
      c.kill('SIGKILL');
      await once(c, 'exit');
    }
    await db?.destroy();
  });

  async function setUp() {
    const runId = freshId('fault');
    const topics = { events: `${runId}.events`, statusChanges: `${runId}.status-changes`, dlq: `${runId}.dlq` };
    await ensureTopics(kafka, { ...topics, eventsPartitions: 6 });
    const env = faultEnv(runId, topics);
    const start = () => {
      const c = spawnProjector(env);
      children.push(c);
      return c;
    };
    return { runId, topics, env, start, messages: makeExchangeEvents(runId, TOTAL, 40) };
  }

  async function kill(c: ChildProcess) {
    c.kill('SIGKILL');
    await once(c, 'exit');
  }

  async function checkpointsAtEnd(group: string, topic: string) {
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    await eventually('checkpoints at the end of the log', async () => {
      const rows: { partition: number; next_offset: string }[] = await db.query(
        `SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`, [group, topic]);
      const stored = new Map(rows.map((r) => [r.partition, String(r.next_offset)]));
      return ends.every((e) => e.offset === '0' || stored.get(e.partition) === e.offset) ? true : undefined;
    }, 120_000);
  }

  it('SIGKILLed mid-stream, then restarted: views equal a fresh replay of the log, nothing lost or counted twice', async () => {
    const { runId, topics, env, start, messages } = await setUp();
    const producer = kafka.producer();
    await producer.connect();
    let projector = start();
    const half = messages.length / 2;
    for (let i = 0; i < half; i += 100) await producer.send({ topic: topics.events, messages: messages.slice(i, i + 100) });
    await eventually('the projector to be part-way', async () => ((await indexedCount(db, runId)) > 0 ? true : undefined), 60_000);
    await kill(projector);
    for (let i = half; i < messages.length; i += 100) await producer.send({ topic: topics.events, messages: messages.slice(i, i + 100) });
    // Re-sending a slice changes nothing: ids are unique in the index.
    await producer.send({ topic: topics.events, messages: messages.slice(0, 50) });
    await producer.disconnect();

    projector = start();
    await eventually('every event to be projected', async () => ((await indexedCount(db, runId)) === TOTAL ? true : undefined), 120_000);
    await checkpointsAtEnd(env.PROJECTOR_GROUP_ID!, topics.events);
    await kill(projector);
    expect(await expectViewsEqualFreshReplay(kafka, db, topics.events, runId)).toBe(TOTAL);
  });

  it('two instances in one group, one killed mid-run: the other takes over its partitions and the views come out right', async () => {
    const { runId, topics, env, start, messages } = await setUp();
    const [a, b] = [start(), start()];
    const admin = kafka.admin();
    await admin.connect();
    await eventually('both instances to hold partitions', async () => {
      const { groups } = await admin.describeGroups([env.PROJECTOR_GROUP_ID!]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === 2 ? true : undefined;
    }, 60_000);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const third = Math.floor(messages.length / 3);
    for (let i = 0; i < third; i += 100) await producer.send({ topic: topics.events, messages: messages.slice(i, i + 100) });
    await eventually('both instances to be working', async () => ((await indexedCount(db, runId)) > 0 ? true : undefined), 60_000);
    await kill(a);
    for (let i = third; i < messages.length; i += 100) await producer.send({ topic: topics.events, messages: messages.slice(i, i + 100) });
    await producer.disconnect();
    await eventually('every event to be projected by the survivor', async () => ((await indexedCount(db, runId)) === TOTAL ? true : undefined), 120_000);
    await checkpointsAtEnd(env.PROJECTOR_GROUP_ID!, topics.events);
    expect(b.exitCode).toBeNull();
    await kill(b);
    expect(await expectViewsEqualFreshReplay(kafka, db, topics.events, runId)).toBe(TOTAL);
  });
});
