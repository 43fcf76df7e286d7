import { openDataSource } from '@newsledger/persistence';
import { eventually } from '@newsledger/testing';
import { DataSource } from 'typeorm';
import { expectViewsEqualFreshReplay, indexedCount, makeExchangeEvents } from '../support/crash-fixture';
import { recordFigures } from '../support/figures';
import { faultKafka, newRun, startApp, stopAllApps } from './support/fault-stack';
import { checkpointsAtEnd } from './support/log-checks';

const TOTAL = 4000;

describe('two projector instances in one group, one SIGKILLed (own Kafka and PostgreSQL)', () => {
  const kafka = faultKafka('fault-projector-takeover');
  let db: DataSource;

  beforeAll(async () => {
    db = await openDataSource(process.env.DATABASE_URL!, 2);
  });
  afterAll(async () => {
    await stopAllApps();
    await db?.destroy();
  });

  it('the survivor takes over the partitions of the killed one and the views come out right', async () => {
    const run = await newRun(kafka, 'takeover');
    const messages = makeExchangeEvents(run.runId, TOTAL, 40);
    const [a, b] = await Promise.all([startApp('projector', run), startApp('projector', run)]);
    const admin = kafka.admin();
    await admin.connect();
    await eventually('both instances to hold partitions', async () => {
      const { groups } = await admin.describeGroups([run.env.PROJECTOR_GROUP_ID!]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === 2 ? true : undefined;
    }, 60_000);
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const third = Math.floor(messages.length / 3);
    for (let i = 0; i < third; i += 100) await producer.send({ topic: run.topics.events, messages: messages.slice(i, i + 100) });
    await eventually('both instances to be working', async () => ((await indexedCount(db, run.runId)) > 0 ? true : undefined), 60_000);
    await a.stop('SIGKILL');
    for (let i = third; i < messages.length; i += 100) await producer.send({ topic: run.topics.events, messages: messages.slice(i, i + 100) });
    await producer.disconnect();
    await eventually('every event to be projected by the survivor', async () => ((await indexedCount(db, run.runId)) === TOTAL ? true : undefined), 120_000);
    await checkpointsAtEnd(kafka, db, run);
    expect(b.child.exitCode).toBeNull();
    await b.stop('SIGKILL');
    const counted = await expectViewsEqualFreshReplay(kafka, db, run.topics.events, run.runId);
    expect(counted).toBe(TOTAL);
    recordFigures('projectorTakeover', { events: TOTAL, instances: 2, kills: 1, lost: TOTAL - (await indexedCount(db, run.runId)), duplicated: counted - TOTAL });
  });
});
