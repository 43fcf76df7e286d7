import { loadConfig, NewsledgerConfig } from '@newsledger/config';
import { createKafka, ensureTopics } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';

export type BenchApp = 'ingest-api' | 'projector' | 'query-api';

/** A stack of the compiled apps with a schema, topics and consumer group of its own. */
export interface BenchStack {
  readonly run: string;
  readonly schema: string;
  readonly topics: { events: string; statusChanges: string; dlq: string };
  readonly groupId: string;
  readonly adminKey: string;
  readonly config: NewsledgerConfig;
  readonly kafka: Kafka;
  /** pool of two on the stack's schema */
  readonly db: DataSource;
  /** environment the apps run with */
  readonly env: NodeJS.ProcessEnv;
  readonly urls: { ingest: string; query: string };
  /** starts a compiled app; resolves once its /health answers 200 (the projector: once spawned) */
  start(app: BenchApp): Promise<ChildProcess>;
  /** the process of a started app */
  pid(app: BenchApp): number | undefined;
  /** the PostgreSQL backends serving connections of these application names (an app's is `<run>-<app>`) */
  backendPids(applicationNames: string[]): Promise<number[]>;
  /** events the projector has applied (sum of its checkpoints) */
  projected(): Promise<number>;
  /** waits until the projector has applied `total` events */
  projectedAll(total: number, timeoutMs?: number): Promise<void>;
  /** stops every app, drops the schema and deletes the run's topics */
  close(): Promise<void>;
}

export interface BenchStackOptions {
  /** where the compiled apps are (`dist`) */
  dist: string;
  /** extra environment for the apps */
  env?: Record<string, string>;
  log: (line: string) => void;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls `probe` every 50 ms until it gives a value; errors count as "not yet". */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Percentiles of a sample in milliseconds, to 0.1 ms. */
export function percentiles(ms: ArrayLike<number>): { p50: number; p95: number; p99: number; max: number; samples: number } {
  const sorted = Float64Array.from(ms).sort();
  const at = (q: number) => (sorted.length === 0 ? 0 : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1), samples: sorted.length };
}

/** Asks PostgreSQL for a checkpoint, so one part's writes are not flushed during the next one's timing; a role that may not is left as it is. */
export async function checkpoint(query: (sql: string) => Promise<unknown>): Promise<void> {
  await query('CHECKPOINT').catch(() => undefined);
}

/** {@link checkpoint} on a connection of its own. */
export async function settleDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await checkpoint((sql) => client.query(sql));
  } finally {
    await client.end();
  }
}

/** Peak resident memory of a live process, from /proc (Linux), in MB. */
export function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

export function machine(): { cpus: number; model: string; memoryGb: number; node: string } {
  const cpus = os.cpus();
  return { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version };
}

export async function openBenchStack(o: BenchStackOptions): Promise<BenchStack> {
  const config = loadConfig();
  const run = `bench${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const schema = `bench_${run}`;
  const topics = { events: `${run}.events`, statusChanges: `${run}.status-changes`, dlq: `${run}.dlq` };
  const groupId = `${run}-projector`;
  const adminKey = config.adminKey ?? `bench-admin-${run}-0123456789`;
  const [ingestPort, queryPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_SCHEMA: schema, EVENTS_TOPIC: topics.events, STATUS_CHANGES_TOPIC: topics.statusChanges, DLQ_TOPIC: topics.dlq,
    PROJECTOR_GROUP_ID: groupId, INGEST_PORT: String(ingestPort), QUERY_PORT: String(queryPort), HOST: '127.0.0.1',
    // BENCH_LOG_LEVEL and BENCH_APP_LOGS (a directory for each app's log) look inside a run.
    NEWSLEDGER_ADMIN_KEY: adminKey, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', LOG_PRETTY: 'false',
    // The bench measures throughput, not the abuse limits.
    RATE_LIMIT_REQUESTS: '100000000',
    // Any free port for the projector's metrics, so a bench runs beside `npm start`.
    METRICS_PORT: '0',
    ...o.env,
  };
  const urls = { ingest: `http://127.0.0.1:${ingestPort}`, query: `http://127.0.0.1:${queryPort}` };
  const kafka = createKafka({ brokers: config.kafka.brokers, sasl: config.kafka.sasl, clientId: `${run}-bench` });
  await ensureTopics(kafka, { ...topics, eventsPartitions: config.kafka.eventsPartitions });
  // Opening it migrates the schema once, before apps start side by side.
  const db = await openDataSource(config.database.url, 2, schema);
  const children: ChildProcess[] = [];
  const pids = new Map<BenchApp, number>();
  let closing = false;

  const stack: BenchStack = {
    run, schema, topics, groupId, adminKey, config, kafka, db, env, urls,
    async start(app) {
      // BENCH_NODE_ARGS profiles the apps, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
      // The projector runs with the heap `npm start` gives it (scripts/stack.js).
      const heap = app === 'projector' ? ['--max-old-space-size=384', '--max-semi-space-size=32'] : [];
      const logDir = process.env.BENCH_APP_LOGS;
      const stdout = logDir ? fs.openSync(path.join(logDir, `${app}.log`), 'a') : 'ignore';
      // Its PostgreSQL connections carry the app's name, so the bench can find their backends' CPU.
      const child = spawn(process.execPath, [...heap, ...nodeArgs, path.join(o.dist, 'apps', app, 'src', 'main.js')], {
        env: { ...env, PGAPPNAME: `${run}-${app}` },
        stdio: ['ignore', stdout, 'inherit'],
      });
      if (typeof stdout === 'number') fs.closeSync(stdout);
      children.push(child);
      if (child.pid !== undefined) pids.set(app, child.pid);
      child.once('exit', (code, signal) => {
        if (!closing) o.log(`${app} exited early (${signal ?? code})`);
      });
      const url = app === 'ingest-api' ? urls.ingest : app === 'query-api' ? urls.query : undefined;
      if (url) await until(`${app} /health`, async () => ((await fetch(`${url}/health`)).status === 200 ? true : undefined), 60_000);
      return child;
    },
    pid(app) {
      return pids.get(app);
    },
    async backendPids(applicationNames) {
      const rows: { pid: number }[] = await db.query(`SELECT pid FROM pg_stat_activity WHERE application_name = ANY($1)`, [applicationNames]);
      return rows.map((r) => r.pid);
    },
    async projected() {
      const rows: { n: string }[] = await db.query(`SELECT coalesce(sum(next_offset), 0) AS n FROM projector_offsets WHERE consumer_group = $1`, [groupId]);
      return Number(rows[0].n);
    },
    async projectedAll(total, timeoutMs = 1_800_000) {
      await until(`${total} events projected`, async () => ((await stack.projected()) >= total ? true : undefined), timeoutMs);
    },
    async close() {
      closing = true;
      for (const child of children) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        // An app that does not stop within its shutdown grace is not the bench's concern.
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await db.destroy();
      // The run's own topics only (its apps' and the perf tool's, all named after the run); left
      // behind, every full run would keep ~0.5 GB on the broker.
      const admin = kafka.admin();
      try {
        await admin.connect();
        const own = (await admin.listTopics()).filter((t) => t.startsWith(`${run}.`));
        await admin.deleteTopics({ topics: own });
      } catch {
        // a broker gone by now keeps them; nothing else depends on it
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
  return stack;
}
