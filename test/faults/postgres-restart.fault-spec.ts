import { openDataSource } from '@newsledger/persistence';
import { eventually, testConfig } from '@newsledger/testing';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { expectViewsEqualFreshReplay, indexedCount, makeExchangeEvents } from '../support/crash-fixture';
import { recordFigures } from '../support/figures';
import { faultKafka, FaultRun, Health, healthOf, newRun, postgres, startApp, stopAllApps } from './support/fault-stack';
import { checkpointsAtEnd } from './support/log-checks';

const TOTAL = 20_000;
const SUBJECTS = 100;
/**
 * How long PostgreSQL stays down each time. The last outage outlasts the projector consumer's own
 * retries of a failing batch (about 30 s), so kafkajs' crash-and-restart path is taken too.
 */
const OUTAGES = [
  { mode: 'fast', downMs: 6000 },
  { mode: 'immediate', downMs: 6000 },
  { mode: 'fast', downMs: 45_000 },
] as const;

describe('PostgreSQL restarted under the projector and the APIs (own Kafka and PostgreSQL)', () => {
  const kafka = faultKafka('fault-postgres-restart');
  let db: DataSource;

  afterAll(async () => {
    await stopAllApps();
    await db?.destroy();
  });

  it('they pause, say which dependency is down, reconnect and catch up; the views come out complete and right', async () => {
    db = await openDataSource(process.env.DATABASE_URL!, 2);
    const run: FaultRun = await newRun(kafka, 'pgrestart');
    const [projector, query, ingest] = await Promise.all([startApp('projector', run), startApp('query-api', run), startApp('ingest-api', run)]);
    const messages = makeExchangeEvents(run.runId, TOTAL, SUBJECTS);
    const producer = kafka.producer();
    await producer.connect();
    // Events keep arriving through the outages, so the projector meets PostgreSQL down mid-batch.
    const producing = (async () => {
      for (let i = 0; i < TOTAL; i += 500) {
        await producer.send({ topic: run.topics.events, messages: messages.slice(i, i + 500) });
        await sleep(1500);
      }
    })();
    const applied = async () => {
      const rows: { n: string | null }[] = await db.query(
        `SELECT sum(next_offset) AS n FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`, [run.env.PROJECTOR_GROUP_ID, run.topics.events]);
      return Number(rows[0].n ?? 0);
    };

    const restarts: { mode: string; downMs: number; degraded: Record<'projector' | 'query' | 'ingest', Health>; reads: string[]; ingestStatus: number; recoveredMs: number }[] = [];
    for (const [i, { mode, downMs }] of OUTAGES.entries()) {
      await eventually('the projector to be part-way', async () => ((await applied()) > (TOTAL * (i + 1)) / (OUTAGES.length + 1) ? true : undefined), 300_000);
      // The test's own pool loses its connections too; it reconnects like the apps must.
      await postgres.stop({ mode });
      const downAt = performance.now();
      const degraded = { projector: await healthOf(projector), query: await healthOf(query), ingest: await healthOf(ingest) };
      const reads: string[] = [];
      while (performance.now() - downAt < downMs) {
        const r = await fetch(`${query.url}/v1/exchanges/${run.runId}-1`, { headers: { authorization: `Bearer ${testConfig.adminKey}` }, signal: AbortSignal.timeout(30_000) });
        reads.push(`${r.status} ${((await r.json()) as { error?: string }).error} retry-after:${r.headers.get('retry-after')}`);
        await sleep(250);
      }
      const posted = await fetch(`${ingest.url}/v1/reports`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${testConfig.adminKey}` }, signal: AbortSignal.timeout(30_000),
        body: JSON.stringify({ type: 'exchange.details.reported', subject: `exchange/${run.runId}-ingest`, source: { name: 'wire', kind: 'agency' }, confirmation: 'reported', data: { expectedDays: 2 } }),
      });
      await postgres.start();
      const startedAt = performance.now();
      await eventually('every app healthy again', async () => {
        const statuses = await Promise.all([projector, query, ingest].map(async (app) => (await healthOf(app)).status));
        return statuses.every((st) => st === 200) ? true : undefined;
      }, 120_000);
      restarts.push({ mode, downMs, degraded, reads, ingestStatus: posted.status, recoveredMs: performance.now() - startedAt });
    }
    await producing;
    await producer.disconnect();

    for (const r of restarts) {
      // The apps' own checks (the log, the projection, the desks' admission) cannot be judged without PostgreSQL and do
      // not add to its outage: only postgres is down.
      const postgresDown = (...own: string[]) => ({ status: 503, down: ['postgres'], up: ['kafka', ...own].sort() });
      expect(r.degraded).toEqual({ projector: postgresDown('log', 'projection'), query: postgresDown('log'), ingest: postgresDown('admission', 'log') });
      expect(r.reads.filter((s) => s !== '503 database_unavailable retry-after:5')).toEqual([]);
      expect(r.ingestStatus).toBe(503);
    }

    await eventually('every event to be projected', async () => ((await indexedCount(db, run.runId)) === TOTAL ? true : undefined), 300_000);
    await checkpointsAtEnd(kafka, db, run);
    // The relay of the status-change outbox reconnected too: everything recorded got published.
    await eventually('the outbox to be relayed', async () => {
      const rows: { n: number }[] = await db.query(`SELECT count(*)::int AS n FROM status_changes WHERE topic = $1 AND published_at IS NULL`, [run.topics.statusChanges]);
      return rows[0].n === 0 ? true : undefined;
    }, 120_000);
    const view = await fetch(`${query.url}/v1/exchanges/${run.runId}-1`, { headers: { authorization: `Bearer ${testConfig.adminKey}` } });
    expect(view.status).toBe(200);
    for (const app of [projector, query, ingest]) expect(app.child.exitCode).toBeNull();
    await Promise.all([projector.stop('SIGTERM'), query.stop('SIGTERM'), ingest.stop('SIGTERM')]);
    const counted = await expectViewsEqualFreshReplay(kafka, db, run.topics.events, run.runId);
    expect(counted).toBe(TOTAL);

    recordFigures('postgresRestart', {
      events: TOTAL, restarts: restarts.length, stops: restarts.map((r) => `${r.mode} ${r.downMs / 1000} s`).join(', '),
      readsWhileDown: restarts.reduce((n, r) => n + r.reads.length, 0),
      healthyAgainMs: restarts.map((r) => Math.round(r.recoveredMs)).join(' '),
      consumerRestarts: (fs.readFileSync(projector.logFile, 'utf8').match(/Restarting the consumer/g) ?? []).length,
      lost: TOTAL - (await indexedCount(db, run.runId)), duplicated: counted - TOTAL,
    });
  });
});
