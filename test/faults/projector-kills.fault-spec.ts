import { openDataSource } from '@newsledger/persistence';
import { eventually } from '@newsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { expectViewsEqualFreshReplay, indexedCount, makeExchangeEvents } from '../support/crash-fixture';
import { recordFigures } from '../support/figures';
import { AppProcess, faultKafka, FaultRun, newRun, startApp, stopAllApps } from './support/fault-stack';
import { checkpointsAtEnd, seeded } from './support/log-checks';

const TOTAL = 50_000;
const SUBJECTS = 250;
const KILLS = 10;
/** The log grows at about this pace (events per second), so the run outlasts the kills. */
const PACE = 750;
/** Events sent back to the log a second time mid-run: a redelivery the index must absorb. */
const RESENT = 500;

describe('projector SIGKILLed again and again during a 50,000-event run (own Kafka and PostgreSQL)', () => {
  const kafka = faultKafka('fault-projector-kills');
  let db: DataSource;

  beforeAll(async () => {
    db = await openDataSource(process.env.DATABASE_URL!, 2);
  });
  afterAll(async () => {
    await stopAllApps();
    await db?.destroy();
  });

  /** Offsets the projector has committed with its views: cheap to poll, unlike counting the index. */
  async function applied(run: FaultRun): Promise<number> {
    const rows: { n: string | null }[] = await db.query(
      `SELECT sum(next_offset) AS n FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`,
      [run.env.PROJECTOR_GROUP_ID, run.topics.events]);
    return Number(rows[0].n ?? 0);
  }

  it('loses and doubles nothing: the views equal a fresh replay of the whole topic and the event counts sum exactly', async () => {
    const run = await newRun(kafka, 'kills');
    const messages = makeExchangeEvents(run.runId, TOTAL, SUBJECTS);
    const random = seeded(20250516);
    const started = Date.now();

    const producer = kafka.producer();
    await producer.connect();
    // The log grows while the projector is being killed, so kills land on fresh events as well as
    // on a backlog; a slice is sent twice half-way.
    const producing = (async () => {
      for (let i = 0; i < TOTAL; i += 1000) {
        await producer.send({ topic: run.topics.events, messages: messages.slice(i, i + 1000) });
        if (i === TOTAL / 2) await producer.send({ topic: run.topics.events, messages: messages.slice(0, RESENT) });
        await sleep((1000 * 1000) / PACE);
      }
    })();

    let projector: AppProcess = await startApp('projector', run);
    let kills = 0;
    const killedAt: number[] = [];
    while (kills < KILLS) {
      const before = await applied(run);
      if (before >= TOTAL + RESENT) break;
      // Only a projector that is working is killed, at a random moment of its work: inside a batch's
      // transaction, between commit and Kafka's offset commit, during a rebalance.
      await eventually('the projector to apply events', async () => ((await applied(run)) > before ? true : undefined), 120_000);
      await sleep(random() * 2500);
      const at = await applied(run);
      if (at >= TOTAL + RESENT) break;
      await projector.stop('SIGKILL');
      kills += 1;
      killedAt.push(at);
      projector = await startApp('projector', run);
    }
    await producing;
    await producer.disconnect();

    await eventually('every event to be projected', async () => ((await indexedCount(db, run.runId)) === TOTAL ? true : undefined), 600_000);
    await checkpointsAtEnd(kafka, db, run);
    await projector.stop('SIGTERM');
    const projected = Date.now() - started;

    const counted = await expectViewsEqualFreshReplay(kafka, db, run.topics.events, run.runId);
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(counted).toBe(TOTAL);
    recordFigures('projectorKills', {
      events: TOTAL, resent: RESENT, subjects: SUBJECTS, kills, restarts: kills,
      killedAtApplied: killedAt.join(' '), lost: TOTAL - (await indexedCount(db, run.runId)), duplicated: counted - TOTAL,
      seconds: Math.round(projected / 1000),
    });
  });
});
