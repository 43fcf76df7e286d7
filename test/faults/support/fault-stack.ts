import { loadConfig } from '@newsledger/config';
import { createKafka, ensureTopics } from '@newsledger/event-log';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Kafka } from 'kafkajs';
import { eventually, freshId } from '@newsledger/testing';
import { freePort } from '../../../bench/support/bench.stack';

/**
 * The stack of the fault suite: a Kafka broker and a PostgreSQL cluster of its own, started by
 * scripts/test-faults.js (never the shared ones), which the tests stop, kill and restart; and the
 * compiled apps, run as child processes so they can be SIGKILLed like in production.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface KafkaScript {
  ensureKafka(o: { brokers: string; detached: boolean; log: (line: string) => void }): Promise<{ started: boolean; pid?: number }>;
  stopKafka(o: { port: number; log: (line: string) => void }): Promise<boolean>;
  kafkaStatus(o: { brokers: string }): Promise<{ reachable: boolean; pid: number | null }>;
}
interface PostgresControls {
  start(): Promise<void>;
  stop(o?: { mode?: 'smart' | 'fast' | 'immediate' }): Promise<void>;
}
// Plain CommonJS scripts (they run before any build); typed here by what the tests use.
const kafkaScript = require(path.join(ROOT, 'scripts', 'kafka', 'kafka.js')) as KafkaScript;
const pgScript = require(path.join(ROOT, 'scripts', 'infra', 'postgres-instance.js')) as {
  postgresInstanceAt(o: { dir: string; port: number }): PostgresControls;
};

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the fault suite with "npm run test:faults"`);
  return v;
}

const quiet = (line: string) => void fs.appendFileSync(path.join(logDir(), 'infra.log'), `${new Date().toISOString()} ${line}\n`);

/** Where the apps' and the infrastructure's output goes (shown on failure). */
export function logDir(): string {
  const dir = process.env.FAULT_LOG_DIR ?? path.join(ROOT, '.cache', 'faults', 'logs');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The suite's own broker: stopped cleanly, killed, started again on the same port and data. */
export const broker = {
  brokers: () => required('KAFKA_BROKERS'),
  port: () => Number(required('FAULT_KAFKA_PORT')),
  /** SIGTERM: Kafka's controlled shutdown. */
  async stop(): Promise<void> {
    await kafkaScript.stopKafka({ port: broker.port(), log: quiet });
  },
  /** SIGKILL of the JVM: no shutdown at all, the next start recovers its logs. */
  async kill(): Promise<void> {
    const { pid } = await kafkaScript.kafkaStatus({ brokers: broker.brokers() });
    if (!pid) throw new Error('the fault broker is not running');
    process.kill(pid, 'SIGKILL');
    await eventually('the broker JVM to be gone', async () => (isAlive(pid) ? undefined : true), 30_000);
  },
  /** Starts it again; resolves once it answers. */
  async start(): Promise<void> {
    await kafkaScript.ensureKafka({ brokers: broker.brokers(), detached: false, log: quiet });
  },
};

const pgControls = (): PostgresControls => pgScript.postgresInstanceAt({ dir: required('FAULT_PG_DIR'), port: Number(required('FAULT_PG_PORT')) });

/** The suite's own PostgreSQL cluster: `fast` ends every session, `immediate` is a crash. */
export const postgres = {
  stop: (o?: { mode?: 'smart' | 'fast' | 'immediate' }) => pgControls().stop(o),
  start: () => pgControls().start(),
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

/** Topics and consumer group of one test, so tests never see each other's events. */
export interface FaultRun {
  runId: string;
  topics: { events: string; statusChanges: string; dlq: string };
  env: NodeJS.ProcessEnv;
}

/** Fresh topics (6 event partitions) and an environment for the apps of one test. */
export async function newRun(kafka: Kafka, prefix: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<FaultRun> {
  const runId = freshId(prefix);
  const topics = { events: `${runId}.events`, statusChanges: `${runId}.status-changes`, dlq: `${runId}.dlq` };
  await ensureTopics(kafka, { ...topics, eventsPartitions: 6 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EVENTS_TOPIC: topics.events, STATUS_CHANGES_TOPIC: topics.statusChanges, DLQ_TOPIC: topics.dlq,
    PROJECTOR_GROUP_ID: `${runId}-projector`, LOG_LEVEL: 'warn', LOG_PRETTY: 'false',
    // A killed member holds its partitions until its session expires: keep that short here.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    ...extraEnv,
  };
  return { runId, topics, env };
}

/** A client on the suite's broker. */
export function faultKafka(clientId: string): Kafka {
  return createKafka({ brokers: broker.brokers().split(','), sasl: loadConfig().kafka.sasl, clientId });
}

export type AppName = 'projector' | 'ingest-api' | 'query-api';

/** A compiled app running as a child process. */
export interface AppProcess {
  name: AppName;
  child: ChildProcess;
  /** http://127.0.0.1:<port>: the APIs, or the projector's /health and /metrics */
  url: string;
  logFile: string;
  /** SIGKILL (default) or SIGTERM, resolved once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const started = new Set<AppProcess>();
// Apps must not outlive the test process, however it ends.
process.on('exit', () => {
  for (const app of started) app.child.kill('SIGKILL');
});

const PORT_VARIABLE: Record<AppName, string> = { projector: 'METRICS_PORT', 'ingest-api': 'INGEST_PORT', 'query-api': 'QUERY_PORT' };

/**
 * Starts the compiled app with the run's environment on a free port, its output in a log file;
 * resolves once it listens (its /health answers, whatever it says).
 */
export async function startApp(name: AppName, run: FaultRun, extraEnv: NodeJS.ProcessEnv = {}): Promise<AppProcess> {
  const port = await freePort();
  const env = { ...run.env, HOST: '127.0.0.1', [PORT_VARIABLE[name]]: String(port), ...extraEnv };
  const logFile = path.join(logDir(), `${run.runId}-${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const main = path.join(process.env.FAULT_DIST_DIR ?? path.join(ROOT, 'dist'), 'apps', name, 'src', 'main.js');
  const child = spawn(process.execPath, ['--enable-source-maps', main], { env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const app: AppProcess = {
    name,
    child,
    url: `http://127.0.0.1:${port}`,
    logFile,
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      started.delete(app);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
  started.add(app);
  await eventually(`${name} to listen (log: ${logFile})`, async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
    await fetch(`${app.url}/health`);
    return true;
  }, 120_000);
  return app;
}

/** Kills every app a test started and left running. */
export async function stopAllApps(): Promise<void> {
  await Promise.all([...started].map((a) => a.stop()));
}

/** What an app's /health says: its status and which dependencies are down and up. */
export interface Health {
  status: number;
  down: string[];
  up: string[];
}

export async function healthOf(app: AppProcess): Promise<Health> {
  const res = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(30_000) });
  const body = (await res.json()) as {
    info?: Record<string, unknown>;
    error?: Record<string, unknown> | string;
    details?: Record<string, { status: string }> | { dependency: string; status: string }[];
  };
  // Terminus' body ({info, error, details} by dependency), or the contract's error body with a
  // status per dependency in `details`.
  const all = Array.isArray(body.details)
    ? body.details.map((d) => [d.dependency, d.status] as const)
    : Object.entries(body.details ?? {}).map(([name, d]) => [name, d.status] as const);
  return {
    status: res.status,
    down: all.filter(([, st]) => st !== 'up').map(([name]) => name).sort(),
    up: all.filter(([, st]) => st === 'up').map(([name]) => name).sort(),
  };
}
