import { INestApplication } from '@nestjs/common';
import { createKafka, ensureTopics } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, freshId, ownStack, startApi, testConfig } from '@newsledger/testing';
import { Command } from 'commander';
import { Kafka } from 'kafkajs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { freePort } from '../bench/support/bench.stack';
import { runCli } from '../apps/cli/src/cli-run.fixture';
import { registerRebuildCommand } from '../apps/cli/src/rebuild/rebuild.command';
import { registerVerifyCommand } from '../apps/cli/src/verify/verify.command';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

/**
 * Views belong to one log: two real brokers (the run's, "A", and one of this file's own, "B",
 * with its own data directory) and one database. The incident this guards against: a projector
 * pointed at another broker with the same database skipped every new event below its old
 * checkpoints as "already applied", behind a 200 /health.
 */

interface KafkaScript {
  ensureKafka(o: { brokers: string; detached: boolean; log: (line: string) => void }): Promise<{ started: boolean; stop(): Promise<void> }>;
}
const kafkaScript = require(path.join(__dirname, '..', 'scripts', 'kafka', 'kafka.js')) as KafkaScript;

const { schema, topics } = ownStack('logid');
const group = process.env.PROJECTOR_GROUP_ID!;
const brokerA = testConfig.kafka.brokers.join(',');

/** Starts broker B on free ports with a data directory of its own, removed by `stop`. */
async function startBrokerB(): Promise<{ brokers: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'newsledger-broker-b-'));
  // Its controller listens on port + 1: take a port whose successor is free too.
  let port = await freePort();
  while (!(await portFree(port + 1))) port = await freePort();
  const saved = { data: process.env.KAFKA_DATA_DIR, logs: process.env.KAFKA_LOG_DIR };
  Object.assign(process.env, { KAFKA_DATA_DIR: path.join(dir, 'data'), KAFKA_LOG_DIR: path.join(dir, 'logs') });
  try {
    const brokers = `127.0.0.1:${port}`;
    const k = await kafkaScript.ensureKafka({ brokers, detached: false, log: () => undefined });
    if (!k.started) throw new Error(`a broker already answered on ${brokers}`);
    return {
      brokers,
      stop: async () => {
        await k.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } finally {
    for (const [name, value] of [['KAFKA_DATA_DIR', saved.data], ['KAFKA_LOG_DIR', saved.logs]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function portFree(port: number): Promise<boolean> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function report(id: string, subject: string, type: string, data: Record<string, unknown>) {
  return { id, type, subject, occurredAt: '2025-05-16', source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data };
}

function cloudEvent(id: string, subject: string, type: string, data: unknown) {
  return {
    key: subject,
    value: JSON.stringify({
      specversion: '1.0', id, type, subject, source: 'newsroom/log-identity', time: new Date().toISOString(), datacontenttype: 'application/json',
      data: { source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data },
    }),
  };
}

describe('views belong to one log (two real brokers, one database)', () => {
  let b: { brokers: string; stop(): Promise<void> };
  let kafkaA: Kafka;
  let kafkaB: Kafka;
  let db: DataSource;
  let query: { app: INestApplication; url: string };
  const open: INestApplication[] = [];

  /** Starts an app with the apps' KAFKA_BROKERS set to `brokers`. */
  async function on<T>(brokers: string, start: () => Promise<T>): Promise<T> {
    process.env.KAFKA_BROKERS = brokers;
    try {
      return await start();
    } finally {
      process.env.KAFKA_BROKERS = brokerA;
    }
  }
  const startOn = async (brokers: string, module: Parameters<typeof startApi>[0]) => {
    const api = await on(brokers, () => startApi(module));
    open.push(api.app);
    return api;
  };
  const close = async (api: { app: INestApplication }) => {
    open.splice(open.indexOf(api.app), 1);
    await api.app.close();
  };
  const health = (url: string) => client(url, null)('GET', '/health');
  const viewOf = (url: string, id: string) => client(url)('GET', `/v1/exchanges/${id}`);
  const checkpoints = async () =>
    Object.fromEntries(
      ((await db.query(`SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2 ORDER BY 1`, [group, topics.events])) as {
        partition: number;
        next_offset: string;
      }[]).map((r) => [r.partition, String(r.next_offset)]),
    );
  /** Runs a command of the CLI in this process, with KAFKA_BROKERS set to `brokers`. */
  const newsledger = async (brokers: string, register: (program: Command) => void, ...args: string[]) => {
    let stdout = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    try {
      return { ...(await on(brokers, () => runCli(register, args))), stdout };
    } finally {
      write.mockRestore();
    }
  };

  beforeAll(async () => {
    b = await startBrokerB();
    kafkaA = createKafka({ brokers: [brokerA], sasl: testConfig.kafka.sasl, clientId: 'log-identity-spec-a' });
    kafkaB = createKafka({ brokers: [b.brokers], sasl: testConfig.kafka.sasl, clientId: 'log-identity-spec-b' });
    await ensureTopics(kafkaA, { ...topics, eventsPartitions: 6 });
    await ensureTopics(kafkaB, { ...topics, eventsPartitions: 6 });
    db = await openDataSource(testConfig.database.url, 2, schema);
    query = await startOn(brokerA, QueryApiModule);
  });
  afterAll(async () => {
    for (const app of open.reverse()) await app.close().catch(() => undefined);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
    await b?.stop();
  });

  it('projects nothing from another broker, resumes on its own, and adopts the other log only when told', async () => {
    const idA = freshId('log-a');
    const idB = freshId('log-b');
    const subjectA = `exchange/${idA}`;
    const subjectB = `exchange/${idB}`;

    // 1. Broker A: three reports through the ingest API, projected.
    let projector = await startOn(brokerA, ProjectorModule);
    let ingest = await startOn(brokerA, IngestApiModule);
    const postA = client(ingest.url);
    expect((await postA('POST', '/v1/reports', report(`${idA}-1`, subjectA, 'exchange.proposed', { parties: ['UA', 'RU'] }))).status).toBe(202);
    expect((await postA('POST', '/v1/reports', report(`${idA}-2`, subjectA, 'exchange.agreed', { parties: ['UA', 'RU'] }))).status).toBe(202);
    expect((await postA('POST', '/v1/reports', report(`${idA}-3`, subjectA, 'exchange.underway', {}))).status).toBe(202);
    await eventually(`${idA} projected from A`, async () => ((await viewOf(query.url, idA)).body.eventCount === 3 ? true : undefined));
    await eventually('both /health 200 on A', async () =>
      (await health(projector.url)).status === 200 && (await health(query.url)).status === 200 ? true : undefined,
    );
    const onA = await checkpoints();

    // `--adopt-log` of another log is refused while a projector projects this one.
    const refused = await newsledger(b.brokers, registerRebuildCommand, 'rebuild', '--adopt-log');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('is projecting Kafka cluster');

    // 2. The same database, the projector pointed at broker B, whose log has other events.
    await Promise.all([close(projector), close(ingest)]);
    const producerB = kafkaB.producer();
    await producerB.connect();
    await producerB.send({
      topic: topics.events,
      messages: [
        cloudEvent(`${idB}-1`, subjectB, 'exchange.proposed', { parties: ['UA', 'RU'] }),
        cloudEvent(`${idB}-2`, subjectB, 'exchange.agreed', { parties: ['UA', 'RU'] }),
      ],
    });
    await producerB.disconnect();
    // The ingest API on B, before any projector runs there, already sees another cluster than the
    // views': it refuses reports rather than answer from A's claims ("duplicate" for a report B
    // never received, which its sender would then not send again).
    ingest = await startOn(b.brokers, IngestApiModule);
    const postB = client(ingest.url);
    for (const [id, subject, type, data] of [[`${idB}-3`, subjectB, 'exchange.underway', {}], [`${idA}-1`, subjectA, 'exchange.proposed', { parties: ['UA', 'RU'] }]] as const) {
      const refused = await postB('POST', '/v1/reports', report(id, subject, type, data));
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ error: 'log_refused', message: expect.stringContaining('rebuild --adopt-log') });
      expect(refused.headers.get('retry-after')).toBe('30');
    }
    expect((await health(ingest.url)).body.details).toEqual(expect.arrayContaining([expect.objectContaining({ dependency: 'log', status: 'down', reason: 'other_cluster' })]));
    const laterB = kafkaB.producer();
    await laterB.connect();
    await laterB.send({ topic: topics.events, messages: [cloudEvent(`${idB}-3`, subjectB, 'exchange.underway', {})] });
    await laterB.disconnect();
    projector = await startOn(b.brokers, ProjectorModule);

    for (const url of [projector.url, query.url]) {
      const r = await eventually(`${url}/health 503`, async () => {
        const h = await health(url);
        return h.status === 503 ? h : undefined;
      });
      expect(r.headers.get('content-type')).toContain('application/json');
      expect(r.body.error).toBe('unavailable');
      expect(r.body.message).toContain('other_cluster');
      expect(r.body.message).toContain('rebuild --adopt-log');
      expect(r.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ dependency: 'log', status: 'down', reason: 'other_cluster' })]));
    }
    expect((await client(projector.url)('GET', '/metrics')).body).toMatch(/^newsledger_projector_log_refused 1$/m);
    // A plain rebuild would wait forever for checkpoints past this log's end: it says what to do instead.
    const plain = await newsledger(b.brokers, registerRebuildCommand, 'rebuild');
    expect(plain.exitCode).toBe(1);
    expect(plain.stderr).toContain('the projector refuses this log (other_cluster');
    const verifying = await newsledger(b.brokers, registerVerifyCommand, 'verify');
    expect(verifying.exitCode).toBe(1);
    expect(verifying.stderr).toContain('the projector refuses this log (other_cluster');
    // Long enough for several fetches of B's partitions and rechecks of the log.
    await sleep(5000);
    expect((await viewOf(query.url, idB)).status).toBe(404);
    expect((await viewOf(query.url, idA)).body.eventCount).toBe(3);
    expect(await checkpoints()).toEqual(onA);

    // 3. Pointed back at A: it resumes, and what was appended to A meanwhile is projected.
    await Promise.all([close(projector), close(ingest)]);
    projector = await startOn(brokerA, ProjectorModule);
    const producerA = kafkaA.producer();
    await producerA.connect();
    await producerA.send({ topic: topics.events, messages: [cloudEvent(`${idA}-4`, subjectA, 'exchange.completed', {})] });
    await producerA.disconnect();
    await eventually(`${idA} at 4 events`, async () => ((await viewOf(query.url, idA)).body.eventCount === 4 ? true : undefined));
    await eventually('both /health 200 back on A', async () =>
      (await health(projector.url)).status === 200 && (await health(query.url)).status === 200 ? true : undefined,
    );
    expect((await client(projector.url)('GET', '/metrics')).body).toMatch(/^newsledger_projector_log_refused 0$/m);

    // 4. Adopting B's log: every view from B, the projector goes on from B's end, A's claims voided.
    await close(projector);
    const adopting = await newsledger(b.brokers, registerRebuildCommand, 'rebuild', '--adopt-log', '--json');
    expect(adopting).toMatchObject({ exitCode: 0, stderr: '' });
    const rebuilt = JSON.parse(adopting.stdout) as { adopted: { clusterId: string; checkpoints: Record<string, string>; claimsVoided: number } };
    expect(rebuilt.adopted.claimsVoided).toBe(3);
    expect((await db.query(`SELECT count(*)::int AS n FROM report_claims WHERE starts_with(event_id, $1)`, [idA]))[0].n).toBe(0);

    projector = await startOn(b.brokers, ProjectorModule);
    ingest = await startOn(b.brokers, IngestApiModule);
    const events = ((await db.query(`SELECT event_id FROM events ORDER BY event_id`)) as { event_id: string }[]).map((r) => r.event_id);
    expect(events).toEqual([`${idB}-1`, `${idB}-2`, `${idB}-3`]);
    expect((await viewOf(query.url, idA)).status).toBe(404);
    expect((await viewOf(query.url, idB)).body).toMatchObject({ eventCount: 3, status: 'underway' });
    await eventually('both /health 200 on B', async () =>
      (await health(projector.url)).status === 200 && (await health(query.url)).status === 200 ? true : undefined,
    );
    // A's report id is free on B now, and reports are taken (and claimed) on B again.
    const again = await client(ingest.url)('POST', '/v1/reports', report(`${idA}-1`, subjectA, 'exchange.proposed', { parties: ['UA', 'RU'] }));
    expect(again.status).toBe(202);
    expect(again.body.duplicate).toBe(false);
    const onB = report(`${idB}-5`, subjectB, 'exchange.details.reported', { expectedDays: 3 });
    expect((await client(ingest.url)('POST', '/v1/reports', onB)).status).toBe(202);
    expect((await client(ingest.url)('POST', '/v1/reports', onB)).body.duplicate).toBe(true);
    await eventually(`${idA} projected from B`, async () => ((await viewOf(query.url, idA)).body.eventCount === 1 ? true : undefined));
    // The other report may be on another partition, projected in another transaction.
    await eventually(`${idB}-5 projected`, async () => ((await viewOf(query.url, idB)).body.eventCount === 4 ? true : undefined));
    // The views equal B's log, as verify replays it from broker B.
    const verified = JSON.parse((await newsledger(b.brokers, registerVerifyCommand, 'verify', '--json')).stdout) as { ok: boolean; events: number };
    expect(verified).toMatchObject({ ok: true, events: 5 });
  });
});
