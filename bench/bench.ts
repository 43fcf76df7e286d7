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
import { ProjectionBenchResult, runProjectionBench } from './projection.bench';
import { machine, openBenchStack, settleDatabase } from './support/bench.stack';

const SECTIONS = ['ingest', 'projection', 'feed', 'audit'] as const;
type Section = (typeof SECTIONS)[number];

interface Flags {
  only: Section[];
  json: boolean;
  subjects: number;
  singleReports: number;
  writers: number;
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
  flags: Flags;
  ingest?: IngestBenchResult;
  projection?: ProjectionBenchResult;
  feed?: FeedBenchResult;
  audit?: AuditBenchResult;
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const fmt = (n: number | undefined) => (n === undefined ? '–' : n.toLocaleString('en-US'));

/** A row: what, newsledger's figure, the limit measured in the same run, the target, met or not. */
type Row = [string, string, string, string, string];

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? '' : ok ? 'yes' : 'NO';
}

export function rows(r: BenchResult): Row[] {
  const out: Row[] = [];
  if (r.ingest) {
    const i = r.ingest;
    const limit = `${fmt(i.kafkaPerfTool.ackedPerSecond)}/s (ProducerPerformance, ${i.recordSize} B)`;
    out.push(
      [`single POST, ${r.flags.writers} writers: reports/s acked · projected`, `${fmt(i.single.ackedPerSecond)} · ${fmt(i.single.projectedPerSecond)}`, limit, '≥ 5,000', verdict((i.single.projectedPerSecond ?? 0) >= 5000)],
      ['single POST latency p50 / p99 (ms)', `${i.single.latencyMs?.p50} / ${i.single.latencyMs?.p99}`, `${i.kafkaPerfTool.latencyMs?.p50} / ${i.kafkaPerfTool.latencyMs?.p99} (ProducerPerformance)`, 'p99 ≤ 50', verdict((i.single.latencyMs?.p99 ?? Infinity) <= 50)],
      [`batch endpoint (${r.flags.batchSize}/request): reports/s acked · projected`, `${fmt(i.batch.ackedPerSecond)} · ${fmt(i.batch.projectedPerSecond)}`, limit, '≥ 30,000', verdict((i.batch.projectedPerSecond ?? 0) >= 30000)],
      ['kafkajs straight to the topic: reports/s acked · projected', `${fmt(i.kafkajs.ackedPerSecond)} · ${fmt(i.kafkajs.projectedPerSecond)}`, limit, '', ''],
    );
  }
  if (r.projection) {
    const p = r.projection;
    const share = p.rawPg.eventsPerSecond ? p.projector.eventsPerSecond / p.rawPg.eventsPerSecond : 0;
    out.push(
      [`projection catch-up, ${fmt(p.events)} events / ${fmt(p.subjects)} subjects: events/s`, fmt(p.projector.eventsPerSecond), `${fmt(p.rawPg.eventsPerSecond)} (raw pg, same statements, ≤ ${fmt(p.rawPg.batch)} per partition/tx)`, '≥ 25,000 and ≥ 50 %', verdict(p.projector.eventsPerSecond >= 25000 && share >= 0.5)],
      ['  share of the raw-pg rate', `${Math.round(share * 100)} %`, '', '≥ 50 %', verdict(share >= 0.5)],
      ['projector peak RSS (MB)', fmt(p.projector.peakRssMb), '', '≤ 512', verdict((p.projector.peakRssMb ?? Infinity) <= 512)],
    );
  }
  if (r.feed) {
    const f = r.feed;
    out.push([
      `feed append→SSE, ${fmt(f.rate)} ev/s × ${fmt(f.subscribers)} subscribers (${f.follows}): p50 / p99 (ms)`,
      `${f.latencyMs.p50} / ${f.latencyMs.p99}`,
      `${f.appendToRelayedMs.p50} / ${f.appendToRelayedMs.p99} (append→relayed)`,
      'p99 ≤ 100',
      verdict(f.latencyMs.p99 <= 100 && f.deliveries.missing === 0),
    ]);
  }
  if (r.audit) {
    const a = r.audit;
    out.push(
      [`as-of on a subject of ${fmt(a.subjectEvents)} events: p50 / p95 (ms)`, `${a.latencyMs.asOf.p50} / ${a.latencyMs.asOf.p95}`, `${a.latencyMs.live.p50} / ${a.latencyMs.live.p95} (live view read)`, '≤ 50', verdict(a.latencyMs.asOf.p95 <= 50)],
      [`full rebuild, ${fmt(a.subjectEvents + a.logEvents)} events: events/s`, fmt(a.rebuild.eventsPerSecond), r.projection ? `${fmt(r.projection.rawPg.eventsPerSecond)} (raw pg above)` : '', '', verdict(a.rebuild.differences === 0)],
    );
  }
  return out;
}

export function table(r: BenchResult): string {
  const header: Row = ['measure', 'newsledger', 'limit, same run', 'target', 'met'];
  const all = [header, ...rows(r)];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const line = (row: Row) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  const m = r.machine;
  return [
    `newsledger bench, ${r.startedAt} — ${m.cpus} × ${m.model}, ${m.memoryGb} GiB, Node ${m.node}; broker and database on the same machine`,
    '',
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...all.slice(1).map(line),
  ].join('\n');
}

/** A section's rows as soon as it is done, so a long run interrupted later keeps them. */
function logRows(r: BenchResult, section: Section): void {
  for (const row of rows({ ...r, ingest: undefined, projection: undefined, feed: undefined, audit: undefined, [section]: r[section] })) log(row.join(' | '));
}

async function main(f: Flags): Promise<BenchResult> {
  const dist = path.resolve(__dirname, '..');
  const result: BenchResult = { machine: machine(), startedAt: new Date().toISOString(), flags: f };
  if (f.only.includes('ingest')) {
    const stack = await openBenchStack({ dist, log });
    try {
      await Promise.all([stack.start('projector'), stack.start('ingest-api')]);
      result.ingest = await runIngestBench(stack, { ...f, log });
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
    .option('--subjects <n>', 'subjects the ingest reports are spread over', count(1), 1000)
    .option('--single-reports <n>', 'reports sent one per request', count(1), 50_000)
    .option('--writers <n>', 'concurrent single-report writers', count(1), 16)
    .option('--batch-reports <n>', 'reports sent through the batch endpoint', count(1), 200_000)
    .option('--batch-size <n>', 'reports per batch request', count(1), 1000)
    .option('--batch-writers <n>', 'concurrent batch requests', count(1), 4)
    .option('--kafka-reports <n>', 'reports produced straight to Kafka, and ProducerPerformance records', count(1), 200_000)
    .option('--projection-events <n>', 'events of the catch-up run', count(1), 1_000_000)
    .option('--projection-subjects <n>', 'subjects of the catch-up run', count(1), 10_000)
    .option('--raw-batch <n>', 'events per transaction of the raw-pg limit (a 4 MiB fetch holds about 10,000)', count(1), 10_000)
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
