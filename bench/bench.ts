/**
 * `npm run bench`: every figure beside its limit, measured in the same run, in one table.
 *
 *   npm run bench                              full sizes (about 10 minutes on 2 cores)
 *   npm run bench -- --only ingest,projection  some sections
 *   npm run bench -- --json                    the figures as JSON after the table
 *
 * Each section brings up stacks of its own (schema, topics, consumer group) on the broker and
 * database that scripts/bench.js made sure of. Sizes are flags, so the test suite runs it tiny.
 */
import { loadConfig } from '@newsledger/config';
import { openDataSource } from '@newsledger/persistence';
import { Command, InvalidArgumentError, Option } from 'commander';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditBenchResult, runAuditBench } from './audit.bench';
import { FeedBenchResult, runFeedBench } from './feed-latency.bench';
import { IngestBenchResult, runIngestBench } from './ingest.bench';
import { emmettVersion } from './peer.bench';
import { ProjectionBenchResult, runProjectionBench } from './projection.bench';
import { machine, openBenchStack, settleDatabase } from './support/bench.stack';
import type { CpuMicros } from './support/proc-cpu';

const SECTIONS = ['ingest', 'projection', 'feed', 'audit'] as const;
type Section = (typeof SECTIONS)[number];

interface Flags {
  only: Section[];
  json: boolean;
  subjects: number;
  singleReports: number;
  writers: number;
  warmupSeconds: number;
  batchReports: number;
  batchSize: number;
  batchWriters: number;
  kafkaReports: number;
  projectionEvents: number;
  projectionSubjects: number;
  rawBatch: number;
  feedRate: number;
  feedSubscribers: number;
  feedSeconds: number;
  feedFollow: number;
  feedWarmup: number;
  subjectEvents: number;
  logEvents: number;
  auditSamples: number;
}

export interface BenchResult {
  machine: ReturnType<typeof machine>;
  startedAt: string;
  /** the machine's load averages when the run started and ended: the machine may be shared */
  load?: { start: number[]; end: number[] };
  flags: Flags;
  ingest?: IngestBenchResult;
  projection?: ProjectionBenchResult;
  feed?: FeedBenchResult;
  audit?: AuditBenchResult;
  ratios?: Ratios;
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const fmt = (n: number | undefined) => (n === undefined ? '–' : n.toLocaleString('en-US'));

/** The catch-up's target: this share of the raw-pg limit's rate. */
const CATCH_UP_TARGET = 0.65;

/** A row: what, newsledger's figure, what it is set against (same run), the measured ratio, the target, met or not. */
type Row = [string, string, string, string, string, string];

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? '' : ok ? 'yes' : 'NO';
}

/** `a / b` to two significant places, as "× 1.4"; '–' when either is missing. */
function times(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? '–' : `× ${ratioOf(a, b)}`;
}
const ratioOf = (a: number, b: number) => Number((a / b).toPrecision(2));

/** The ratios of issue 20's targets, computed once for the table and the JSON. */
export interface Ratios {
  /** newsledger's projected single-report rate ÷ Emmett's rate */
  single?: number;
  /** the batch endpoint's projected rate ÷ Emmett's single-report rate */
  batch?: number;
  /** kafkajs straight to the topic, projected, ÷ Emmett's single-report rate */
  kafkajs?: number;
  /** the ingest API's CPU a single report ÷ the bare server's CPU a request */
  ingestCpu?: number;
  /** catch-up events/s ÷ the raw-pg limit's */
  catchUp?: number;
  /** feed append→SSE p99 − append→relayed p99 (ms) */
  feedOverRelayMs?: number;
  /** as-of p95 ÷ live read p95 */
  asOf?: number;
}

export function ratios(r: BenchResult): Ratios {
  const out: Ratios = {};
  const div = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : ratioOf(a, b));
  if (r.ingest) {
    const i = r.ingest;
    const emmett = i.peer.emmett.perSecond;
    out.single = div(i.single.projectedPerSecond, emmett);
    out.batch = div(i.batch.projectedPerSecond, emmett);
    out.kafkajs = div(i.kafkajs.projectedPerSecond, emmett);
    out.ingestCpu = div(i.single.cpuMicros?.server, i.peer.bare.cpuMicros.server);
  }
  if (r.projection) out.catchUp = div(r.projection.projector.eventsPerSecond, r.projection.rawPg.eventsPerSecond);
  if (r.feed) out.feedOverRelayMs = Math.round((r.feed.latencyMs.p99 - r.feed.appendToRelayedMs.p99) * 10) / 10;
  if (r.audit) out.asOf = div(r.audit.latencyMs.asOf.p95, r.audit.latencyMs.live.p95);
  return out;
}

export function rows(r: BenchResult): Row[] {
  const out: Row[] = [];
  const q = ratios(r);
  if (r.ingest) {
    const i = r.ingest;
    const e = i.peer.emmett;
    const emmett = `Emmett ${fmt(e.perSecond)}/s (appended and projected)`;
    const ms = (t: { p50: number; p99: number } | undefined) => `${t?.p50} / ${t?.p99}`;
    out.push(
      [`single POST, ${r.flags.writers} writers: reports/s acked · projected`, `${fmt(i.single.ackedPerSecond)} · ${fmt(i.single.projectedPerSecond)}`, emmett, times(i.single.projectedPerSecond, e.perSecond), '≥ 2× Emmett', verdict(q.single !== undefined && q.single >= 2)],
      ['single POST latency p50 / p99 (ms)', ms(i.single.latencyMs), `Emmett ${ms(e.latencyMs)}`, '', 'p99 ≤ 50', verdict((i.single.latencyMs?.p99 ?? Infinity) <= 50)],
      ['ingest API CPU per single report (µs)', fmt(i.single.cpuMicros?.server), `bare node:http ${fmt(i.peer.bare.cpuMicros.server)} a request`, times(i.single.cpuMicros?.server, i.peer.bare.cpuMicros.server), '≤ 4× bare', verdict(q.ingestCpu === undefined ? undefined : q.ingestCpu <= 4)],
      [`batch endpoint (${r.flags.batchSize}/request): reports/s acked · projected`, `${fmt(i.batch.ackedPerSecond)} · ${fmt(i.batch.projectedPerSecond)}`, emmett, times(i.batch.projectedPerSecond, e.perSecond), '≥ 10× Emmett', verdict(q.batch !== undefined && q.batch >= 10)],
      ['kafkajs straight to the topic: reports/s acked · projected', `${fmt(i.kafkajs.ackedPerSecond)} · ${fmt(i.kafkajs.projectedPerSecond)}`, emmett, times(i.kafkajs.projectedPerSecond, e.perSecond), '', ''],
      [`Kafka ProducerPerformance, ${i.recordSize} B records: records/s · p50 / p99 (ms)`, '', `${fmt(i.kafkaPerfTool.ackedPerSecond)} · ${ms(i.kafkaPerfTool.latencyMs)}`, '', '', ''],
    );
  }
  if (r.projection) {
    const p = r.projection;
    out.push(
      [`projection catch-up, ${fmt(p.events)} events / ${fmt(p.subjects)} subjects: events/s`, fmt(p.projector.eventsPerSecond), `raw pg ${fmt(p.rawPg.eventsPerSecond)} (same statements, ${fmt(p.rawPg.batch)} events per tx${p.rawPg.projectorsBatch ? ", the projector's mean" : ''})`, q.catchUp === undefined ? '–' : `${Math.round(q.catchUp * 100)} %`, `≥ ${CATCH_UP_TARGET * 100} % of raw pg`, verdict((q.catchUp ?? 0) >= CATCH_UP_TARGET)],
      ['projector peak RSS (MB)', fmt(p.projector.peakRssMb), '', '', '≤ 512', verdict((p.projector.peakRssMb ?? Infinity) <= 512)],
    );
  }
  if (r.feed) {
    const f = r.feed;
    out.push([
      `feed append→SSE, ${fmt(f.rate)} ev/s × ${fmt(f.subscribers)} subscribers (${f.follows}): p50 / p99 (ms)`,
      `${f.latencyMs.p50} / ${f.latencyMs.p99}`,
      `append→relayed ${f.appendToRelayedMs.p50} / ${f.appendToRelayedMs.p99}`,
      `${(q.feedOverRelayMs ?? 0) >= 0 ? '+' : ''}${q.feedOverRelayMs} ms`,
      'p99 ≤ relayed p99 + 25 ms',
      verdict((q.feedOverRelayMs ?? Infinity) <= 25 && f.deliveries.missing === 0),
    ]);
  }
  if (r.audit) {
    const a = r.audit;
    out.push(
      [`as-of on a subject of ${fmt(a.subjectEvents)} events: p50 / p95 (ms)`, `${a.latencyMs.asOf.p50} / ${a.latencyMs.asOf.p95}`, `live read ${a.latencyMs.live.p50} / ${a.latencyMs.live.p95}`, times(a.latencyMs.asOf.p95, a.latencyMs.live.p95), 'p95 ≤ live read p95', verdict((q.asOf ?? Infinity) <= 1)],
      [`full rebuild, ${fmt(a.subjectEvents + a.logEvents)} events: events/s`, fmt(a.rebuild.eventsPerSecond), r.projection ? `raw pg ${fmt(r.projection.rawPg.eventsPerSecond)} (above)` : '', '', 'no differences', verdict(a.rebuild.differences === 0)],
    );
  }
  return out;
}

/** CPU a report per process on each ingest path, and the bare server's a request, from /proc. */
type CpuRow = [string, string, string, string, string, string, string, string];

export function cpuRows(r: BenchResult): CpuRow[] {
  if (!r.ingest) return [];
  const i = r.ingest;
  const us = (n: number | undefined) => (n === undefined ? '–' : fmt(n));
  const row = (what: string, rate: number | undefined, c: CpuMicros | undefined): CpuRow => {
    const parts = [c?.client, c?.server, c?.projector, c?.postgres, c?.broker];
    const total = parts.reduce<number>((n, p) => n + (p ?? 0), 0);
    return [what, fmt(rate), ...parts.map(us), fmt(total)] as CpuRow;
  };
  return [
    row('bare node:http (parse, answer 202)', i.peer.bare.perSecond, i.peer.bare.cpuMicros),
    row(`Emmett ${emmettVersion()} on PostgreSQL, inline projection`, i.peer.emmett.perSecond, i.peer.emmett.cpuMicros),
    row('newsledger single POST (acked and projected)', i.single.projectedPerSecond, i.single.cpuMicros),
    row(`newsledger batch endpoint (${r.flags.batchSize}/request)`, i.batch.projectedPerSecond, i.batch.cpuMicros),
    row('kafkajs straight to the topic, projected', i.kafkajs.projectedPerSecond, i.kafkajs.cpuMicros),
  ];
}

/** CPU an event per process through the catch-up, beside the raw-pg limit's PostgreSQL, from /proc. */
export function catchUpCpuRows(r: BenchResult): string[][] {
  if (!r.projection) return [];
  const p = r.projection;
  const c = p.projector.cpuMicros;
  const us = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(1));
  const parts = [c.projector, c.postgres, c.broker];
  const total = parts.some((n) => n === undefined) ? undefined : parts.reduce<number>((n, v) => n + v!, 0);
  return [
    ['projector catch-up (its start-up included)', fmt(p.projector.eventsPerSecond), us(c.projector), us(c.projectorMain), us(c.postgres), us(c.broker), us(total)],
    ['raw pg, the same rows and statements', fmt(p.rawPg.eventsPerSecond), '–', '–', us(p.rawPg.cpuMicros.postgres), '–', us(p.rawPg.cpuMicros.postgres)],
  ];
}

function markdown(header: string[], body: string[][]): string[] {
  const all = [header, ...body];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)];
}

export function table(r: BenchResult): string {
  const m = r.machine;
  const load = (l: number[] | undefined) => (l ? l.map((n) => n.toFixed(2)).join(', ') : '–');
  const out = [
    `newsledger bench, ${r.startedAt} — ${m.cpus} × ${m.model}, ${m.memoryGb} GiB, Node ${m.node}; broker and database on the same machine`,
    `load average (1, 5, 15 min) at the start ${load(r.load?.start)}, at the end ${load(r.load?.end)}`,
    '',
    ...markdown(['measure', 'newsledger', 'against, same run', 'ratio', 'target', 'met'], rows(r)),
  ];
  const cpu = cpuRows(r);
  if (cpu.length) {
    out.push(
      '',
      `CPU per report (µs, from /proc utime + stime), ${fmt(r.flags.singleReports)} single reports over ${fmt(r.flags.subjects)} subjects, ${r.flags.writers} writers, each server warmed up for ${r.flags.warmupSeconds} s untimed; PostgreSQL: the path's own backends; the broker is shared with whatever else uses it`,
      '',
      ...markdown(['path', 'reports/s', 'client', 'server', 'projector', 'PostgreSQL', 'broker', 'total'], cpu),
    );
  }
  const catchUp = catchUpCpuRows(r);
  if (catchUp.length) {
    // What two cores allow an event at the catch-up target, against what it took.
    const budget = (2e6 / (CATCH_UP_TARGET * r.projection!.rawPg.eventsPerSecond)).toFixed(1);
    out.push(
      '',
      `CPU per event in the catch-up (µs, from /proc utime + stime); PostgreSQL: the projector's backends, or the limit's one; at ${CATCH_UP_TARGET * 100} % of this run's raw-pg limit, two cores allow ${budget} µs an event in all`,
      '',
      ...markdown(['run', 'events/s', 'projector', 'its main thread', 'PostgreSQL', 'broker', 'total'], catchUp),
    );
  }
  return out.join('\n');
}

/** A section's rows as soon as it is done, so a long run interrupted later keeps them. */
function logRows(r: BenchResult, section: Section): void {
  const only = { ...r, ingest: undefined, projection: undefined, feed: undefined, audit: undefined, [section]: r[section] };
  for (const row of [...rows(only), ...cpuRows(only), ...catchUpCpuRows(only)]) log(row.join(' | '));
}

async function main(f: Flags): Promise<BenchResult> {
  const dist = path.resolve(__dirname, '..');
  const result: BenchResult = { machine: machine(), startedAt: new Date().toISOString(), load: { start: os.loadavg(), end: [] }, flags: f };
  if (f.only.includes('ingest')) {
    const stack = await openBenchStack({ dist, log });
    try {
      await Promise.all([stack.start('projector'), stack.start('ingest-api')]);
      result.ingest = await runIngestBench(stack, { ...f, dist, log });
      logRows(result, 'ingest');
    } finally {
      await stack.close();
    }
  }
  if (f.only.includes('projection')) {
    const stack = await openBenchStack({ dist, log });
    const rawSchema = `${stack.schema}_raw`;
    const raw = await openDataSource(stack.config.database.url, 1, rawSchema);
    try {
      result.projection = await runProjectionBench(stack, rawSchema, {
        events: f.projectionEvents, subjects: f.projectionSubjects, rawBatch: f.rawBatch, partitions: stack.config.kafka.eventsPartitions, log,
      });
      logRows(result, 'projection');
    } finally {
      await raw.query(`DROP SCHEMA IF EXISTS "${rawSchema}" CASCADE`).catch(() => undefined);
      await raw.destroy();
      await stack.close();
    }
  }
  // Each part starts on a settled database: the catch-up's million rows are not flushed during the feed's timing.
  const settle = () => settleDatabase(loadConfig().database.url);
  if (f.only.includes('feed')) {
    await settle();
    result.feed = await runFeedBench({
      rate: f.feedRate, subscribers: f.feedSubscribers, seconds: f.feedSeconds, warmup: f.feedWarmup,
      follow: f.feedFollow, subjects: 1000, workers: Math.max(1, Math.min(4, os.cpus().length)), dist, log,
    });
    logRows(result, 'feed');
  }
  if (f.only.includes('audit')) {
    await settle();
    result.audit = await runAuditBench({ subjectEvents: f.subjectEvents, logEvents: f.logEvents, subjects: 500, samples: f.auditSamples, snapshotEvery: 500, dist, log });
    logRows(result, 'audit');
  }
  result.load!.end = os.loadavg();
  result.ratios = ratios(result);
  return result;
}

const count = (min: number) => (value: string) => {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`a whole number of at least ${min}`);
  return n;
};

if (require.main === module) {
  const program = new Command('bench')
    .description('measures newsledger beside Kafka\'s and PostgreSQL\'s own limits, in one run')
    .addOption(new Option('--only <sections>', `comma-separated: ${SECTIONS.join(', ')}`).default([...SECTIONS]).argParser((v) => {
      const picked = v.split(',').map((s) => s.trim());
      const bad = picked.filter((s) => !(SECTIONS as readonly string[]).includes(s));
      if (bad.length) throw new InvalidArgumentError(`unknown section ${bad.join(', ')}; choose from ${SECTIONS.join(', ')}`);
      return picked;
    }))
    .option('--json', 'print the figures as JSON after the table', false)
    .option('--subjects <n>', 'subjects (exchanges) the ingest reports are spread over', count(1), 2000)
    .option('--single-reports <n>', 'reports sent one per request, to newsledger, Emmett and the bare server (2,000 exchanges × 7)', count(1), 14_000)
    .option('--writers <n>', 'concurrent single-report writers', count(1), 16)
    .option('--warmup-seconds <n>', 'seconds each server (and the broker) is sent single reports, untimed, before its timed run (other subjects)', count(0), 15)
    .option('--batch-reports <n>', 'reports sent through the batch endpoint', count(1), 200_000)
    .option('--batch-size <n>', 'reports per batch request', count(1), 1000)
    .option('--batch-writers <n>', 'concurrent batch requests', count(1), 4)
    .option('--kafka-reports <n>', 'reports produced straight to Kafka, and ProducerPerformance records', count(1), 200_000)
    .option('--projection-events <n>', 'events of the catch-up run', count(1), 1_000_000)
    .option('--projection-subjects <n>', 'subjects of the catch-up run', count(1), 10_000)
    .option('--raw-batch <n>', "events per transaction of the raw-pg limit; 0 = the projector's mean in its catch-up", count(0), 0)
    .option('--feed-rate <n>', 'events per second of the feed run', count(1), 1000)
    .option('--feed-subscribers <n>', 'SSE subscribers of the feed run', count(1), 1000)
    .option('--feed-seconds <n>', 'measured seconds of the feed run', count(1), 20)
    .option('--feed-follow <n>', 'stories (of 1,000) each subscriber follows; 0 = every change', count(0), 1)
    .option('--feed-warmup <n>', 'warm-up seconds of the feed run', count(0), 3)
    .option('--subject-events <n>', 'events of the as-of subject', count(1), 10_000)
    .option('--log-events <n>', 'other events of the as-of and rebuild run', count(0), 50_000)
    .option('--audit-samples <n>', 'timed as-of requests', count(1), 50)
    .parse();
  const flags = program.opts<Flags>();
  main(flags)
    .then((result) => {
      process.stdout.write(`${table(result)}\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    })
    .catch((e: unknown) => {
      log((e as Error).stack ?? String(e));
      process.exit(1);
    });
}
