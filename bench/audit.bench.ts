/**
 * Measures the audit features on a stack of its own (own schema, topics and consumer group, the
 * compiled projector and query API as child processes):
 *
 * - as-of / validAt latency over HTTP on one subject with `--subject-events` events;
 * - rebuild speed (events/s) of the whole log, and verify time.
 *
 *   npm run build && node dist/bench/audit.bench.js --subject-events 10000 --log-events 50000
 *
 * Prints a JSON summary last. `npm run bench` includes it; `test/bench.e2e-spec.ts` runs that tiny so it never rots.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openBenchStack, until } from './support/bench.stack';

export interface AuditBenchOptions {
  /** Events of the one subject whose as-of latency is measured. */
  subjectEvents: number;
  /** Events of every other subject together (they make the rebuild's log). */
  logEvents: number;
  /** How many other subjects share `logEvents`. */
  subjects: number;
  /** Timed requests per kind of question. */
  samples: number;
  /** The projector's SNAPSHOT_EVERY. */
  snapshotEvery: number;
  /** Where the compiled apps are (`dist`). */
  dist: string;
  log: (line: string) => void;
}

/** Latency figures in milliseconds. */
export interface LatencyFigures {
  p50: number;
  p95: number;
  max: number;
  samples: number;
}

export interface AuditBenchResult {
  subjectEvents: number;
  logEvents: number;
  snapshotEvery: number;
  projectMs: number;
  latencyMs: { live: LatencyFigures; asOf: LatencyFigures; asOfHead: LatencyFigures; validAt: LatencyFigures; asOfAndValidAt: LatencyFigures };
  rebuild: { eventsPerSecond: number; durationMs: number; buildMs: number; projectorPausedMs: number; differences: number };
  verify: { ok: boolean; durationMs: number; events: number };
}

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);

function figures(ms: number[]): LatencyFigures {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
  return { p50: at(0.5), p95: at(0.95), max: at(1), samples: sorted.length };
}

/** The hot subject: phases, claims of every confirmation, details and the odd retraction. */
function hotEvent(run: string, subject: string, i: number, earlier: string[]) {
  const id = `${run}-hot-${i}`;
  const conf = ['confirmed', 'reported', 'claimed', 'unconfirmed', 'denied'][i % 5];
  let type: string;
  let data: Record<string, unknown>;
  if (i === 0) [type, data] = ['exchange.agreed', { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } }];
  else if (i % 97 === 0 && earlier.length > 0) [type, data] = ['report.retracted', { eventId: earlier.splice(i % earlier.length, 1)[0], reason: 'corrected by the desk' }];
  else {
    const k = i % 10;
    if (k === 0) [type, data] = ['exchange.phase.completed', { phase: 1 + ((i / 10) % 50), releasedBy: { UA: 10, RU: 10 } }];
    else if (k === 1) [type, data] = ['exchange.details.reported', { expectedDays: 1 + (i % 7) }];
    else if (k <= 4) [type, data] = ['exchange.underway', { location: `checkpoint ${i % 13}` }];
    else if (k === 5) [type, data] = ['exchange.completed', {}];
    else if (k === 6) [type, data] = ['exchange.suspended', { reason: 'paused' }];
    else [type, data] = ['exchange.details.reported', { location: `border crossing ${i % 11}` }];
  }
  if (type !== 'report.retracted') earlier.push(id);
  return cloudEvent(id, subject, type, type === 'report.retracted' ? 'confirmed' : conf, data, BASE + i * 1000, new Date(BASE + Math.floor(i / 50) * DAY));
}

function cloudEvent(id: string, subject: string, type: string, confirmation: string, data: unknown, recordedAt: number, occurredOn: Date) {
  return {
    key: subject,
    value: JSON.stringify({
      specversion: '1.0', id, type, subject, source: 'newsroom/bench', time: new Date(recordedAt).toISOString(), datacontenttype: 'application/json',
      data: { source: { name: 'Bench wire', kind: 'agency' }, confirmation, occurredAt: occurredOn.toISOString().slice(0, 10), data },
    }),
  };
}

/** Runs the whole measurement and tears its stack down. */
export async function runAuditBench(o: AuditBenchOptions): Promise<AuditBenchResult> {
  const stack = await openBenchStack({ dist: o.dist, log: o.log, env: { SNAPSHOT_EVERY: String(o.snapshotEvery) } });
  const { run, topics, kafka, adminKey } = stack;
  const url = stack.urls.query;
  const call = async (method: string, p: string) => {
    const res = await fetch(url + p, { method, headers: { authorization: `Bearer ${adminKey}` } });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
    } catch {
      throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
    }
  };
  try {
    await Promise.all([stack.start('projector'), stack.start('query-api')]);

    const hot = `exchange/${run}-hot`;
    const producer = kafka.producer();
    await producer.connect();
    const earlier: string[] = [];
    const messages = Array.from({ length: o.subjectEvents }, (_, i) => hotEvent(run, hot, i, earlier));
    for (let i = 0; i < o.logEvents; i++) {
      const s = `exchange/${run}-${i % Math.max(1, o.subjects)}`;
      const type = ['exchange.proposed', 'exchange.agreed', 'exchange.underway', 'exchange.completed'][Math.floor(i / o.subjects) % 4];
      const data = type === 'exchange.proposed' || type === 'exchange.agreed' ? { parties: ['UA', 'RU'] } : {};
      messages.push(cloudEvent(`${run}-log-${i}`, s, type, 'confirmed', data, BASE + i * 1000, new Date(BASE + Math.floor(i / 100) * DAY)));
    }
    const produced = performance.now();
    for (let i = 0; i < messages.length; i += 2000) await producer.send({ topic: topics.events, messages: messages.slice(i, i + 2000) });
    await producer.disconnect();
    o.log(`${messages.length} events on ${topics.events}; projecting…`);
    const total = messages.length;
    await stack.projectedAll(total, 600_000);
    const projectMs = Math.round(performance.now() - produced);
    // The snapshots are taken behind the projection: questions are timed once the hot subject has
    // all of them, as an auditor finds it any time but the minute after a bulk load.
    const wanted = Math.floor(o.subjectEvents / o.snapshotEvery);
    await until(`the ${wanted} snapshots of ${hot}`, async () => {
      const [r]: { n: number }[] = await stack.db.query(`SELECT count(*)::int AS n FROM snapshots WHERE subject = $1`, [hot]);
      return r.n >= wanted ? true : undefined;
    }, 300_000);
    const snapshotsMs = Math.round(performance.now() - produced) - projectMs;
    const live = await call('GET', `/v1/exchanges/${hot.split('/')[1]}`);
    if (live.status !== 200 || live.body.eventCount !== o.subjectEvents) throw new Error(`the hot subject is not as expected: ${JSON.stringify(live.body).slice(0, 200)}`);
    o.log(`projected in ${projectMs} ms, snapshots taken ${snapshotsMs} ms later; timing questions on ${hot}`);

    const time = async (p: string) => {
      const t = performance.now();
      const r = await call('GET', p);
      const ms = performance.now() - t;
      if (r.status !== 200) throw new Error(`GET ${p}: ${r.status} ${JSON.stringify(r.body)}`);
      return ms;
    };
    const id = hot.split('/')[1];
    // recordedAt is the broker's append time (LogAppendTime), whatever the messages' `time`: the
    // instants asked about are spread over the hot subject's history as the log recorded it.
    const history = await call('GET', `/v1/exchanges/${id}/history`);
    const recorded = (history.body.events as { recordedAt: string }[]).map((e) => Date.parse(e.recordedAt)).sort((a, b) => a - b);
    const lastRecorded = recorded[recorded.length - 1];
    const instant = (k: number) => new Date(recorded[Math.min(recorded.length - 1, Math.floor(((k + 1) / o.samples) * (recorded.length - 1)))]).toISOString();
    const date = (k: number) => new Date(BASE + Math.floor(((k + 1) / o.samples) * (o.subjectEvents / 50)) * DAY).toISOString().slice(0, 10);
    const sample = async (p: (k: number) => string) => {
      await time(p(0));
      const ms: number[] = [];
      for (let k = 0; k < o.samples; k++) ms.push(await time(p(k)));
      return figures(ms);
    };
    const latencyMs = {
      live: await sample(() => `/v1/exchanges/${id}`),
      asOf: await sample((k) => `/v1/exchanges/${id}?asOf=${instant(k)}`),
      asOfHead: await sample(() => `/v1/exchanges/${id}?asOf=${new Date(lastRecorded).toISOString()}`),
      validAt: await sample((k) => `/v1/exchanges/${id}?validAt=${date(k)}`),
      asOfAndValidAt: await sample((k) => `/v1/exchanges/${id}?asOf=${instant(k)}&validAt=${date(k)}`),
    };
    o.log(`as-of p50 ${latencyMs.asOf.p50} ms, p95 ${latencyMs.asOf.p95} ms, max ${latencyMs.asOf.max} ms; rebuilding…`);

    const started = await call('POST', '/v1/admin/rebuild');
    if (started.status !== 202) throw new Error(`rebuild refused: ${JSON.stringify(started.body)}`);
    const done = await until('the rebuild', async () => {
      const r = await call('GET', `/v1/admin/rebuild/${String(started.body.id)}`);
      if (r.body.status === 'failed') throw new Error(`rebuild failed: ${String(r.body.error)}`);
      return r.body.status === 'done' ? r.body : undefined;
    }, 600_000);
    const report = done.report as { eventsPerSecond: number; durationMs: number; buildMs: number; projectorPausedMs: number; differences: { views: number; events: number; links: number } };
    o.log(`rebuild ${report.eventsPerSecond} events/s; verifying…`);
    const verified = await call('POST', '/v1/admin/verify');
    return {
      subjectEvents: o.subjectEvents,
      logEvents: o.logEvents,
      snapshotEvery: o.snapshotEvery,
      projectMs,
      latencyMs,
      rebuild: {
        eventsPerSecond: report.eventsPerSecond,
        durationMs: report.durationMs,
        buildMs: report.buildMs,
        projectorPausedMs: report.projectorPausedMs,
        differences: report.differences.views + report.differences.events + report.differences.links,
      },
      verify: { ok: verified.body.ok === true, durationMs: Number(verified.body.durationMs), events: Number(verified.body.events) },
    };
  } finally {
    await stack.close();
  }
}

const count = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`a whole number of at least ${min}`);
  return n;
};

if (require.main === module) {
  const program = new Command('audit-bench')
    .option('--subject-events <n>', 'events of the measured subject', count(1), 10_000)
    .option('--log-events <n>', 'events of all other subjects', count(0), 50_000)
    .option('--subjects <n>', 'other subjects', count(1), 500)
    .option('--samples <n>', 'timed requests per question', count(1), 50)
    .option('--snapshot-every <n>', 'the projector\'s SNAPSHOT_EVERY', count(1), 500)
    .parse();
  const flags = program.opts<{ subjectEvents: number; logEvents: number; subjects: number; samples: number; snapshotEvery: number }>();
  runAuditBench({ ...flags, dist: path.resolve(__dirname, '..'), log: (line) => process.stderr.write(`[bench] ${line}\n`) })
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`[bench] ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    });
}
