import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchStack, freePort, percentiles, settleDatabase, until } from './support/bench.stack';
import { drive, driveFor, perSecond, post } from './support/http-client';
import { CpuMeter, CpuMicros, CpuPart, toMicros } from './support/proc-cpu';
import { benchReport } from './support/workload';

export interface PeerRun {
  reports: number;
  /** reports per second until the last answer; Emmett answers once the append and its inline projection committed */
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  cpuMicros: CpuMicros;
}

export interface PeerBenchResult {
  /** Emmett on PostgreSQL, inline projection, the same single-report sequence and client */
  emmett: PeerRun;
  /** a bare node:http server that parses the report and answers 202, with the same client */
  bare: PeerRun;
}

export interface PeerBenchOptions {
  singleReports: number;
  /** seconds of reports sent, untimed, before the timed run: each server, and the broker, is measured warm */
  warmupSeconds: number;
  writers: number;
  subjects: number;
  dist: string;
  log: (line: string) => void;
}

/** A server of the bench's own (bench/support/*.server.js) as a process; resolves once GET / answers 200. */
async function startServer(script: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const exited = once(child, 'exit');
  const ready = until(`${path.basename(script)} to listen`, async () => ((await fetch(url)).status === 200 ? true : undefined), 60_000);
  await Promise.race([ready, exited.then(([code]) => Promise.reject(new Error(`${path.basename(script)} exited (${String(code)}) before listening`)))]);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, stop };
}

/**
 * Sends the warm-up reports, untimed, then the single-report sequence to `url` with `writers`
 * keep-alive writers, measuring rate, latency and CPU.
 */
async function measure(url: string, warmup: { seconds: number; body: (i: number) => string }, bodies: string[], writers: number, parts: CpuPart[]): Promise<PeerRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: writers });
  const target = new URL('/v1/reports', url);
  const send = async (body: string) => {
    const r = await post(agent, target, undefined, body, 'application/json');
    if (r.status !== 202) throw new Error(`${url} answered ${r.status}: ${r.text.slice(0, 300)}`);
  };
  const meter = new CpuMeter(parts);
  try {
    await driveFor(warmup.seconds, writers, (i) => send(warmup.body(i)));
    await meter.start();
    const started = performance.now();
    const latency = await drive(bodies.length, writers, (i) => send(bodies[i]));
    const rate = perSecond(bodies.length, performance.now() - started);
    const cpu = await meter.stop();
    const p = percentiles(latency);
    return { reports: bodies.length, perSecond: rate, latencyMs: { p50: p.p50, p99: p.p99, max: p.max }, cpuMicros: toMicros(cpu, bodies.length) };
  } finally {
    agent.destroy();
  }
}

/**
 * The single-report sequence newsledger's ingest gets, sent by the same client to (1) a bare
 * node:http server, the floor of CPU per request, and (2) Emmett on PostgreSQL with an inline
 * projection, the peer of the ratios. Emmett writes to a schema of its own, dropped afterwards.
 */
export async function runPeerBench(stack: BenchStack, o: PeerBenchOptions): Promise<PeerBenchResult> {
  const support = path.join(o.dist, 'bench', 'support');
  const client: CpuPart = { label: 'client', pids: () => [process.pid] };
  const bodiesOf = (run: string) => Array.from({ length: o.singleReports }, (_, i) => JSON.stringify(benchReport(run, i, o.subjects)));
  const warmup = (run: string) => ({ seconds: o.warmupSeconds, body: (i: number) => JSON.stringify(benchReport(run, i, o.subjects)) });

  o.log(`bare node:http server: ${o.warmupSeconds} s of warm-up, then ${o.singleReports} reports, ${o.writers} writers…`);
  const bare = await startServer(path.join(support, 'bare-http.server.js'), {});
  let bareRun: PeerRun;
  try {
    bareRun = await measure(bare.url, warmup(`${stack.run}nw`), bodiesOf(`${stack.run}n`), o.writers, [client, { label: 'server', pids: () => [bare.child.pid!] }]);
  } finally {
    await bare.stop();
  }

  const schema = `${stack.schema}_emmett`;
  const appName = `${stack.run}-emmett`;
  await stack.db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const url = new URL(stack.config.database.url);
  url.searchParams.set('options', `-c search_path=${schema}`);
  try {
    o.log(`Emmett ${emmettVersion()} on PostgreSQL, inline projection: ${o.warmupSeconds} s of warm-up, then ${o.singleReports} reports, ${o.writers} writers…`);
    const emmett = await startServer(path.join(support, 'emmett-peer.server.js'), { DATABASE_URL: url.toString(), PGAPPNAME: appName });
    let emmettRun: PeerRun;
    try {
      emmettRun = await measure(emmett.url, warmup(`${stack.run}ew`), bodiesOf(`${stack.run}e`), o.writers, [
        client,
        { label: 'server', pids: () => [emmett.child.pid!] },
        { label: 'postgres', pids: () => stack.backendPids([appName]) },
      ]);
    } finally {
      await emmett.stop();
    }
    return { emmett: emmettRun, bare: bareRun };
  } finally {
    await stack.db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    // Emmett's rows are not flushed during newsledger's timing.
    await settleDatabase(stack.config.database.url);
  }
}

/** The installed Emmett's version, for the log and the table. */
export function emmettVersion(): string {
  // Its exports name no package.json: read the one above its entry point.
  const file = path.join(path.dirname(require.resolve('@event-driven-io/emmett-postgresql')), '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
