import { SubjectSummary } from '@newsledger/domain';
import { fromCloudEvent } from '@newsledger/event-log';
import { EventCopyData, EventRow, ProjectionStore } from '@newsledger/persistence';
import { DecodedMessage, eventRowOf, projectBatch } from '@newsledger/projection';
import { Partitioners } from 'kafkajs';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { EntityManager } from 'typeorm';
import { BenchStack, checkpoint, peakRssMb } from './support/bench.stack';
import { brokerPid, CpuMeter, cpuSeconds, pidsOf } from './support/proc-cpu';
import { benchMessage, benchReport } from './support/workload';

export interface ProjectionBenchOptions {
  events: number;
  subjects: number;
  /** events per transaction in the raw-pg run; 0: the projector's own, measured in its catch-up */
  rawBatch: number;
  /** partitions of the events topic: the raw-pg run batches per partition, as the projector does */
  partitions: number;
  log: (line: string) => void;
}

export interface ProjectionBenchResult {
  events: number;
  subjects: number;
  /** the projector from an empty view store, all events already on the topic */
  projector: { eventsPerSecond: number; ms: number; peakRssMb: number | undefined; cpuMicros: CatchUpCpu };
  /** raw `pg`: the same event-index rows and view upserts, the same bulk statements, one transaction per batch */
  rawPg: { eventsPerSecond: number; ms: number; batch: number; projectorsBatch: boolean; cpuMicros: Pick<CatchUpCpu, 'postgres'> };
}

/**
 * Microseconds of CPU an event through a catch-up, per process, from /proc (undefined where it
 * could not be read): what two cores must fit at the target's rate.
 */
export interface CatchUpCpu {
  /** the projector process from its start (its start-up included), every thread */
  projector?: number;
  /** of which its main thread, the one that decodes and reduces */
  projectorMain?: number;
  /** the PostgreSQL backends of its connections open at the end (all of them through a catch-up) */
  postgres?: number;
  /** the Kafka broker */
  broker?: number;
}

const perEvent = (seconds: number | undefined, events: number): number | undefined =>
  seconds === undefined ? undefined : Math.round((seconds * 1e6 * 10) / events) / 10;

const LOAD_CHUNK = 5000;
const LOAD_IN_FLIGHT = 4;

/** Puts `events` reports on the stack's events topic with kafkajs, untimed. */
async function load(stack: BenchStack, run: string, o: ProjectionBenchOptions, recordedAt: string): Promise<void> {
  const producer = stack.kafka.producer();
  await producer.connect();
  try {
    let next = 0;
    await Promise.all(Array.from({ length: LOAD_IN_FLIGHT }, async () => {
      for (let from = next; from < o.events; from = next) {
        next += LOAD_CHUNK;
        const messages = [];
        for (let i = from; i < Math.min(o.events, from + LOAD_CHUNK); i++) messages.push(benchMessage(run, i, o.subjects, recordedAt));
        await producer.send({ topic: stack.topics.events, acks: -1, messages });
      }
    }));
  } finally {
    await producer.disconnect();
  }
}

/**
 * Projection catch-up: `events` reports over `subjects` subjects are put on a fresh topic, then
 * the compiled projector starts against an empty view store and is timed until its checkpoints
 * cover them all. Beside it, the limit: raw `pg` writing the same event-index rows and view
 * upserts (computed untimed, by the same reducers) with the same bulk statements, one transaction per batch.
 */
export async function runProjectionBench(stack: BenchStack, rawSchema: string, o: ProjectionBenchOptions): Promise<ProjectionBenchResult> {
  const run = `${stack.run}p`;
  const recordedAt = new Date().toISOString();
  o.log(`projection: loading ${o.events} events over ${o.subjects} subjects onto ${stack.topics.events}…`);
  await load(stack, run, o, recordedAt);

  // Both sides start with the database's dirty pages written out (loading and earlier sections leave some).
  await checkpoint((sql) => stack.db.query(sql));
  o.log('projection: starting the projector on an empty view store…');
  const broker = brokerPid(stack.config.kafka.brokers);
  // Started before the projector: its process and backends, new meanwhile, count from zero.
  const meter = new CpuMeter([
    { label: 'projector', pids: () => pidsOf(stack.pid('projector')) },
    { label: 'postgres', pids: () => stack.backendPids([`${stack.run}-projector`]) },
    { label: 'broker', pids: () => pidsOf(broker) },
  ]);
  await meter.start();
  const started = performance.now();
  const projector = await stack.start('projector');
  await stack.projectedAll(o.events);
  const ms = performance.now() - started;
  const used = await meter.stop();
  const rss = projector.pid ? peakRssMb(projector.pid) : undefined;
  const cpuMicros: CatchUpCpu = {
    projector: perEvent(used.projector, o.events),
    projectorMain: perEvent(projector.pid ? cpuSeconds(projector.pid, projector.pid) : undefined, o.events),
    postgres: perEvent(used.postgres, o.events),
    broker: perEvent(used.broker, o.events),
  };
  const batch = o.rawBatch || (await projectorBatch(stack));
  o.log(`projection: ${Math.round((o.events * 1000) / ms)} events/s, peak RSS ${rss} MB; raw pg, ${batch} events per transaction…`);

  const raw = await rawPgWrites(stack.config.database.url, rawSchema, run, { ...o, rawBatch: batch }, recordedAt);
  return {
    events: o.events,
    subjects: o.subjects,
    projector: { eventsPerSecond: Math.round((o.events * 1000) / ms), ms: Math.round(ms), peakRssMb: rss, cpuMicros },
    rawPg: {
      eventsPerSecond: Math.round((o.events * 1000) / raw.ms), ms: Math.round(raw.ms), batch, projectorsBatch: !o.rawBatch,
      cpuMicros: { postgres: perEvent(raw.postgresSeconds, o.events) },
    },
  };
}

/**
 * The size of the projector's transactions in its catch-up, from the event index's rows per
 * inserting transaction (`xmin`; a batch's reports are copied in one statement), as an event saw
 * it: the mean weighted by events, so the catch-up's last small batches do not make the limit's
 * transactions smaller (and the limit slower) than most of the projector's.
 */
async function projectorBatch(stack: BenchStack): Promise<number> {
  const rows: { batch: string | null }[] = await stack.db.query(
    `SELECT round(sum(n * n) / nullif(sum(n), 0)) AS batch FROM (SELECT count(*)::numeric AS n FROM events GROUP BY xmin::text) t`,
  );
  const batch = Number(rows[0].batch);
  if (!(batch >= 1)) throw new Error(`the projector's transactions could not be measured (event index: ${rows[0].batch})`);
  return batch;
}

/**
 * Milliseconds raw `pg` spends writing the rows of `o.events` events into `schema` (already
 * migrated), and the CPU seconds its backend spends meanwhile (it idles while the rows are made).
 */
async function rawPgWrites(url: string, schema: string, run: string, o: ProjectionBenchOptions, recordedAt: string): Promise<{ ms: number; postgresSeconds: number | undefined }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const backend = Number((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    const meter = new CpuMeter([{ label: 'postgres', pids: () => [backend] }]);
    await meter.start();
    await client.query(`SET search_path TO "${schema}"`);
    await checkpoint((sql) => client.query(sql));
    // The same SQL the projector sends, on a bare driver connection.
    const m = {
      query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
      queryRunner: { connect: async () => client },
    } as unknown as EntityManager;
    const store = new ProjectionStore();
    const summaries = new Map<string, SubjectSummary>();
    // Split as the topic is (Kafka's default partitioner on the subject), each partition's events
    // in batches of `rawBatch`: the same view rows are rewritten as often as in the projector.
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: o.partitions }, (_, id) => ({ partitionId: id, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    const byPartition: number[][] = Array.from({ length: o.partitions }, () => []);
    for (let s = 0; s < o.subjects; s++) {
      const partition = partitioner({ topic: 'raw', partitionMetadata, message: { key: benchReport(run, s, o.subjects).subject, value: null } });
      for (let i = s; i < o.events; i += o.subjects) byPartition[partition].push(i);
    }
    let spent = 0;
    for (const [partition, indices] of byPartition.entries()) {
      indices.sort((a, b) => a - b);
      for (let from = 0; from < indices.length; from += o.rawBatch) {
        const decoded: DecodedMessage<{ partition: number; offset: string }>[] = [];
        for (let k = from; k < Math.min(indices.length, from + o.rawBatch); k++) {
          const message = benchMessage(run, indices[k], o.subjects, recordedAt);
          const position = { partition, offset: String(k), timestamp: String(Date.now()) };
          const r = fromCloudEvent(Buffer.from(message.value), position);
          if (!r.ok) throw new Error(`bench event ${indices[k]} does not decode: ${r.reason}`);
          decoded.push({ message: position, ok: true, event: r.event });
        }
        const rows: EventRow[] = [];
        const out = projectBatch(decoded, new Map(), summaries, { onApplied: (e) => rows.push(eventRowOf(e)) });
        for (const v of out.views) summaries.set(v.subject, v.summary);
        const t = performance.now();
        await client.query('BEGIN');
        await store.lockCheckpoint(m, 'raw', 'raw', partition);
        // The COPY lines are made in the timed span, as they were when the store made them from rows.
        const copy = new EventCopyData(rows.length);
        for (const r of rows) copy.add(r);
        await store.copyEvents(m, copy);
        await store.writeBatch(m, {
          retracted: [], views: out.views, unlinks: [], links: [],
          checkpoints: { group: 'raw', topic: 'raw', next: new Map([[partition, BigInt(from + decoded.length)]]) },
        });
        await client.query('COMMIT');
        spent += performance.now() - t;
      }
    }
    return { ms: spent, postgresSeconds: (await meter.stop()).postgres };
  } finally {
    await client.end();
  }
}
