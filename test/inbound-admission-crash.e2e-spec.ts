import { INestApplicationContext } from '@nestjs/common';
import { ApiKeyStore } from '@newsledger/auth';
import { createKafka, ensureTopics, KafkaDeskAccess } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { eventually, freshId, ownStack, startContext, testConfig } from '@newsledger/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { freePort } from '../bench/support/bench.stack';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { logEnd, readLog } from './support/log-read';

const REPORTS = 1000;
const PER_SEND = 50;
const SUBJECTS = 40;
/** The reports appended when the first ingest API kills itself. */
const KILL_AT = 200;

/**
 * The ingest API admitting a desk's Kafka reports is killed with SIGKILL in the middle of a batch
 * (test/support/admission-fault.preload.js) and started again: every report the desk published is
 * on the events topic exactly once (the compiled ingest API, real broker with SASL/ACLs,
 * PostgreSQL, and a projector indexing what is appended).
 */
describe('inbound admission crash (SIGKILL mid-stream, compiled ingest API)', () => {
  const { run, schema, topics } = ownStack('admission', { INBOUND_REFRESH_MS: '200', KAFKA_SESSION_TIMEOUT_MS: '6000', LOG_LEVEL: 'warn' });
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'admission-crash-spec' });
  const children: ChildProcess[] = [];
  let projector: INestApplicationContext;
  let db: DataSource;

  /** The built ingest API; with `fault`, it kills itself at that append (see the preload). */
  async function startIngest(fault?: string): Promise<ChildProcess> {
    const port = await freePort();
    const main = path.join(__dirname, '..', 'dist', 'apps', 'ingest-api', 'src', 'main.js');
    const args = fault ? ['-r', path.join(__dirname, 'support', 'admission-fault.preload.js'), main] : [main];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, INGEST_PORT: String(port), HOST: '127.0.0.1', ...(fault ? { ADMISSION_FAULT: fault } : {}) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    await eventually('the ingest API to answer', async () => {
      if (child.exitCode !== null) throw new Error(`the ingest API exited with ${child.exitCode}`);
      return (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.status === 200 ? true : undefined;
    }, 120_000);
    return child;
  }

  const indexed = async (prefix: string): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM events WHERE event_id LIKE $1`, [`${prefix}-%`]))[0].n as number;

  beforeAll(async () => {
    await ensureTopics(kafka, { ...topics, eventsPartitions: 6 });
    // The projector migrates the stack's own schema, and indexes what the admission appends.
    projector = await startContext(ProjectorModule);
    db = await openDataSource(testConfig.database.url, 2, schema);
  });
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    }
    await projector?.close();
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db?.destroy();
  });

  /**
   * A desk publishes REPORTS reports while an ingest API that kills itself at its `fault` admits
   * them; a second one, started after, finishes. Every report ends on the log once, none refused.
   */
  async function crashAndRecover(fault: string): Promise<void> {
    const prefix = freshId(`${run}-${fault.split(':')[0]}`);
    const desks = new KafkaDeskAccess(kafka, { prefix: testConfig.kafka.inbound.prefix, brokers: testConfig.kafka.brokers });
    const desk = await new ApiKeyStore(db).create(freshId('wire'), ['ingest'], undefined, desks);
    const login = desk.kafka as { username: string; password: string; topic: string; rejectionsTopic: string };
    const first = await startIngest(fault);
    const killed = once(first, 'exit');

    const producer = createKafka({ brokers: testConfig.kafka.brokers, sasl: { mechanism: 'scram-sha-512', username: login.username, password: login.password }, clientId: 'admission-crash-desk' })
      .producer({ allowAutoTopicCreation: false });
    await eventually('the desk to log in', () => producer.connect().then(() => true, () => undefined), 30_000);
    const reports = Array.from({ length: REPORTS }, (_, n) => {
      const subject = `exchange/${prefix}-${n % SUBJECTS}`;
      const report = { id: `${prefix}-r${n}`, type: n < SUBJECTS ? 'exchange.agreed' : 'exchange.details.reported', subject, source: { name: 'wire', kind: 'agency' },
        confirmation: 'reported', data: n < SUBJECTS ? { parties: ['UA', 'RU'] } : { expectedDays: 1 + (n % 5) } };
      return { key: subject, value: JSON.stringify(report) };
    });
    for (let i = 0; i < REPORTS; i += PER_SEND) {
      await producer.send({ topic: login.topic, acks: -1, messages: reports.slice(i, i + PER_SEND) });
    }
    await producer.disconnect();
    const [, signal] = await killed;
    expect(signal).toBe('SIGKILL');
    // Killed mid-stream: some reports claimed, not all.
    const claimed = (await db.query(`SELECT count(*)::int AS n FROM report_claims WHERE event_id LIKE $1`, [`${prefix}-%`]))[0].n as number;
    expect(claimed).toBeGreaterThanOrEqual(KILL_AT);
    expect(claimed).toBeLessThan(REPORTS);

    const second = await startIngest();
    // Claims the killed process held without appending are taken over once stale (a minute).
    await eventually('every report indexed', async () => ((await indexed(prefix)) === REPORTS ? true : undefined), 180_000);
    const logged = (await readLog(kafka, topics.events)).filter((m) => m.id.startsWith(`${prefix}-r`));
    const times = new Map<string, number>();
    for (const m of logged) times.set(m.id, (times.get(m.id) ?? 0) + 1);
    expect(times.size).toBe(REPORTS);
    expect([...times.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(await logEnd(kafka, login.rejectionsTopic)).toBe(0);
    // Out of the admission group before the next case, whose desk it would otherwise share.
    second.kill('SIGTERM');
    await once(second, 'exit');
  }

  it('killed after its appends were acknowledged, before they were marked or their offsets committed: nothing doubled', () => crashAndRecover(`after-append:${KILL_AT}`), 300_000);

  it('killed after claiming reports, before appending them: nothing lost', () => crashAndRecover(`before-append:${KILL_AT}`), 300_000);
});
