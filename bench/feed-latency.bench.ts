/**
 * Measures status-change feed latency: from the moment an event is handed to Kafka (the append)
 * to the moment each SSE subscriber has read the change it causes, at a steady event rate.
 *
 * It runs a stack of its own (own schema, topics and consumer group; the compiled projector and
 * query API as child processes), opens `--subscribers` SSE streams from worker threads, and appends
 * events that each make exactly one change the streams follow: with `--follow 0` every stream
 * follows every change (deliveries = events × subscribers); with `--follow k` each follows k
 * subjects of a pool. A stream cut off for being slow reconnects with its Last-Event-ID, as a real
 * client would; the count of reconnects is reported.
 *
 *   npm run bench:feed -- --rate 1000 --subscribers 1000 --seconds 20 [--follow 1]
 *
 * Prints a JSON summary last. `npm run bench` includes it; `test/bench.e2e-spec.ts` runs that tiny so it never rots.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { machine, openBenchStack, until } from './support/bench.stack';

export interface FeedBenchOptions {
  /** Events appended per second (each makes one status change). */
  rate: number;
  /** Open SSE streams. */
  subscribers: number;
  /**
   * What each stream follows: 0, every change (each event a fresh negotiation); k > 0, the status
   * of k subjects out of a pool of `subjects` exchanges that the events cycle through.
   */
  follow: number;
  subjects: number;
  /** Measured seconds, after `warmup` seconds whose events are not counted. */
  seconds: number;
  warmup: number;
  /** Worker threads reading the streams. */
  workers: number;
  /** Where the compiled apps are (`dist`). */
  dist: string;
  log: (line: string) => void;
}

export interface FeedBenchResult {
  rate: number;
  achievedRate: number;
  subscribers: number;
  follows: string;
  seconds: number;
  warmupSeconds: number;
  events: number;
  deliveries: { expected: number; received: number; missing: number; outOfOrder: number; reconnects: number };
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; samples: number };
  /** The first stages alone: append → projected and relayed (outbox row marked), from PostgreSQL. */
  appendToRelayedMs: { p50: number; p99: number };
  machine: { cpus: number; model: string; memoryGb: number; node: string };
}

/** Latencies are counted in 0.1 ms buckets up to a minute; later ones land in the last bucket. */
const BUCKET_US = 100;
const BUCKETS = 600_000;

interface WorkerInput {
  url: string;
  key: string;
  /** the query string of each stream */
  queries: string[];
  /** events below this index are warm-up: received, not timed */
  measuredFrom: number;
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; received: number }
  | { type: 'report'; histogram: Uint32Array; received: number; measuredReceived: number; outOfOrder: number; reconnects: number };

const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** A subscriber thread: opens its streams, times every change, reports when asked. */
function subscriberWorker(input: WorkerInput): void {
  const histogram = new Uint32Array(BUCKETS);
  let received = 0;
  let measuredReceived = 0;
  let outOfOrder = 0;
  let reconnects = 0;
  let opened = 0;
  let stopping = false;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

  const connect = (query: string, lastId: number | undefined, first: boolean) => {
    let last = lastId ?? 0;
    let rest = '';
    let counted = !first;
    const req = http.get(`${input.url}/v1/feed/status-changes?${query}`, {
      agent,
      headers: { authorization: `Bearer ${input.key}`, accept: 'text/event-stream', ...(lastId !== undefined ? { 'last-event-id': String(lastId) } : {}) },
    });
    req.on('response', (res) => {
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => {
        const text = rest + chunk;
        const end = text.lastIndexOf('\n\n');
        if (end < 0) {
          rest = text;
          return;
        }
        rest = text.slice(end + 2);
        const at = nowUs();
        let i = 0;
        while (i <= end) {
          const next = text.indexOf('\n\n', i);
          if (text.startsWith('id: ', i)) {
            const seq = Number(text.slice(i + 4, text.indexOf('\n', i)));
            if (seq <= last) outOfOrder += 1;
            last = seq;
            const c = text.indexOf('"causedBy":"', i) + 12;
            const id = text.slice(c, text.indexOf('"', c));
            const dash = id.lastIndexOf('-');
            const sentUs = Number(id.slice(dash + 1));
            const n = Number(id.slice(id.lastIndexOf('-', dash - 1) + 1, dash));
            received += 1;
            if (n >= input.measuredFrom) {
              measuredReceived += 1;
              histogram[Math.min(BUCKETS - 1, Math.max(0, Math.floor((at - sentUs) / BUCKET_US)))] += 1;
            }
          } else if (!counted && text.slice(i, next).includes(': connected')) {
            counted = true;
            if (++opened === input.queries.length) parentPort!.postMessage({ type: 'ready' } satisfies WorkerMessage);
          }
          i = next + 2;
        }
      });
      res.on('close', () => {
        if (stopping) return;
        reconnects += 1;
        connect(query, last, false);
      });
    });
    req.on('error', () => {
      if (stopping) return;
      reconnects += 1;
      setTimeout(() => connect(query, last, false), 200);
    });
  };

  for (const query of input.queries) connect(query, undefined, true);
  const progress = setInterval(() => parentPort!.postMessage({ type: 'progress', received } satisfies WorkerMessage), 250);
  parentPort!.on('message', (m: 'report') => {
    if (m !== 'report') return;
    stopping = true;
    clearInterval(progress);
    parentPort!.postMessage({ type: 'report', histogram, received, measuredReceived, outOfOrder, reconnects } satisfies WorkerMessage);
    agent.destroy();
  });
}

function percentiles(h: Uint32Array): FeedBenchResult['latencyMs'] {
  let total = 0;
  let maxBucket = 0;
  for (let i = 0; i < h.length; i++) {
    total += h[i];
    if (h[i] > 0) maxBucket = i;
  }
  const at = (q: number) => {
    const target = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (let i = 0; i < h.length; i++) {
      seen += h[i];
      if (seen >= target) return Math.round(((i + 1) * BUCKET_US) / 100) / 10;
    }
    return 0;
  };
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: Math.round(((maxBucket + 1) * BUCKET_US) / 100) / 10, samples: total };
}

/** Runs the whole measurement and tears its stack down. */
export async function runFeedBench(o: FeedBenchOptions): Promise<FeedBenchResult> {
  const stack = await openBenchStack({ dist: o.dist, log: o.log });
  const { run, topics, kafka, db, adminKey } = stack;
  const url = stack.urls.query;
  const workers: Worker[] = [];
  try {
    await Promise.all([stack.start('projector'), stack.start('query-api')]);

    const measuredFrom = Math.round(o.rate * o.warmup);
    const total = Math.round(o.rate * (o.warmup + o.seconds));
    const pool = Array.from({ length: o.subjects }, (_, i) => `exchange/${run}-s${i}`);
    const eventsOf = (i: number) => Math.floor(total / o.subjects) + (i < total % o.subjects ? 1 : 0);
    const queries: string[] = [];
    let expected = 0;
    for (let j = 0; j < o.subscribers; j++) {
      if (o.follow === 0) {
        queries.push('kind=negotiation');
        expected += total;
        continue;
      }
      const mine = Array.from({ length: o.follow }, (_, k) => (j * o.follow + k) % o.subjects);
      queries.push(`field=status&subject=${mine.map((i) => pool[i]).join(',')}`);
      expected += mine.reduce((n, i) => n + eventsOf(i), 0);
    }
    const threads = Math.max(1, Math.min(o.workers, o.subscribers));
    const received = new Array<number>(threads).fill(0);
    const ready: Promise<unknown>[] = [];
    for (let w = 0; w < threads; w++) {
      const worker = new Worker(__filename, { workerData: { url, key: adminKey, queries: queries.filter((_, j) => j % threads === w), measuredFrom } satisfies WorkerInput });
      workers.push(worker);
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') received[w] = m.received;
      });
      ready.push(new Promise((resolve, reject) => {
        worker.on('message', (m: WorkerMessage) => m.type === 'ready' && resolve(undefined));
        worker.once('error', reject);
      }));
    }
    await Promise.all(ready);
    o.log(`${o.subscribers} subscribers connected; appending ${o.rate} events/s for ${o.warmup} + ${o.seconds} s`);

    const producer = kafka.producer();
    await producer.connect();
    const sends: Promise<unknown>[] = [];
    const began = performance.now();
    let sent = 0;
    // Paced against the clock, 10 ms at a time, so a late tick catches up instead of drifting.
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * o.rate));
      if (due > sent) {
        const messages = [];
        for (; sent < due; sent++) {
          const id = `${run}-${sent}-${nowUs()}`;
          // Every event moves a status: a fresh negotiation's first held round, or a pooled
          // exchange going underway and suspended in turn.
          const [subject, type, data] = o.follow === 0
            ? [`negotiation/${run}-${sent}`, 'negotiation.round.held', { round: 1 }]
            : [pool[sent % o.subjects], Math.floor(sent / o.subjects) % 2 === 0 ? 'exchange.underway' : 'exchange.suspended', {}];
          messages.push({
            key: subject,
            value: JSON.stringify({
              specversion: '1.0', id, type, subject, source: 'newsroom/bench', time: new Date().toISOString(),
              datacontenttype: 'application/json', data: { source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data },
            }),
          });
        }
        sends.push(producer.send({ topic: topics.events, messages }));
      }
      await sleep(10);
    }
    await Promise.all(sends);
    const appendSeconds = (performance.now() - began) / 1000;
    await producer.disconnect();

    let last = -1;
    let lastChange = Date.now();
    await until('every subscriber to have every change', async () => {
      const sum = received.reduce((a, b) => a + b, 0);
      if (sum !== last) [last, lastChange] = [sum, Date.now()];
      return sum >= expected || Date.now() - lastChange > 20_000 ? true : undefined;
    }, 600_000);

    const reports = await Promise.all(workers.map((worker) => new Promise<Extract<WorkerMessage, { type: 'report' }>>((resolve) => {
      worker.on('message', (m: WorkerMessage) => m.type === 'report' && resolve(m));
      worker.postMessage('report');
    })));
    const [relayed]: { p50: number; p99: number }[] = await db.query(
      `SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1)::float AS p50,
              round(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::numeric, 1)::float AS p99
       FROM (SELECT extract(epoch FROM published_at - recorded_at) * 1000 AS ms FROM status_changes
             WHERE topic = $1 AND split_part(caused_by, '-', 2)::int >= $2) t`,
      [topics.statusChanges, measuredFrom],
    );
    const histogram = new Uint32Array(BUCKETS);
    for (const r of reports) for (let i = 0; i < BUCKETS; i++) histogram[i] += r.histogram[i];
    const got = reports.reduce((n, r) => n + r.received, 0);
    return {
      rate: o.rate,
      achievedRate: Math.round(total / appendSeconds),
      subscribers: o.subscribers,
      follows: o.follow === 0 ? 'every change' : `the status of ${o.follow} of ${o.subjects} subjects`,
      seconds: o.seconds,
      warmupSeconds: o.warmup,
      events: total,
      deliveries: {
        expected,
        received: got,
        missing: Math.max(0, expected - got),
        outOfOrder: reports.reduce((n, r) => n + r.outOfOrder, 0),
        reconnects: reports.reduce((n, r) => n + r.reconnects, 0),
      },
      latencyMs: percentiles(histogram),
      appendToRelayedMs: relayed,
      machine: machine(),
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await stack.close();
  }
}

const count = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`a whole number of at least ${min}`);
  return n;
};

if (!isMainThread) {
  subscriberWorker(workerData as WorkerInput);
} else if (require.main === module) {
  const program = new Command('feed-bench')
    .option('--rate <n>', 'events appended per second (one change each)', count(1), 1000)
    .option('--subscribers <n>', 'SSE streams', count(1), 1000)
    .option('--follow <n>', 'subjects each stream follows; 0 = every change', count(0), 0)
    .option('--subjects <n>', 'pool of subjects the events cycle through when --follow > 0', count(1), 1000)
    .option('--seconds <n>', 'measured seconds', count(1), 20)
    .option('--warmup <n>', 'seconds before measuring', count(0), 3)
    .option('--workers <n>', 'threads reading the streams', count(1), Math.max(1, Math.min(4, os.cpus().length)))
    .parse();
  const flags = program.opts<{ rate: number; subscribers: number; follow: number; subjects: number; seconds: number; warmup: number; workers: number }>();
  runFeedBench({ ...flags, dist: path.resolve(__dirname, '..'), log: (line) => process.stderr.write(`[bench] ${line}\n`) })
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`[bench] ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    });
}
