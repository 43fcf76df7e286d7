import { ApiKeyStore } from '@newsledger/auth';
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { PeerBenchResult, runPeerBench } from './peer.bench';
import { BenchStack, percentiles } from './support/bench.stack';
import { drive, driveFor, perSecond, post } from './support/http-client';
import { runProducerPerfTool } from './support/kafka-perf';
import { brokerPid, CpuMeter, CpuMicros, CpuPart, pidsOf, toMicros } from './support/proc-cpu';
import { benchMessage, benchReport } from './support/workload';

export interface IngestBenchOptions {
  /** reports sent one per request */
  singleReports: number;
  /** seconds of single reports sent, untimed, before the timed run (other subjects), as the peer gets */
  warmupSeconds: number;
  /** concurrent writers of single reports */
  writers: number;
  /** reports sent through the batch endpoint */
  batchReports: number;
  /** reports per batch request */
  batchSize: number;
  /** concurrent batch requests */
  batchWriters: number;
  /** reports produced straight to Kafka with kafkajs, and records of Kafka's own perf tool */
  kafkaReports: number;
  /** subjects the reports are spread over */
  subjects: number;
  /** where the compiled bench is (`dist`), for the peer's servers */
  dist: string;
  log: (line: string) => void;
}

export interface Throughput {
  /** reports (or records) per second until the last acknowledgement */
  ackedPerSecond: number;
  /** reports per second until the last one was projected (acknowledged and projected) */
  projectedPerSecond?: number;
  latencyMs?: { p50: number; p99: number; max: number };
  reports: number;
  /** CPU a report per process, from the first request until the last report was projected */
  cpuMicros?: CpuMicros;
}

export interface IngestBenchResult {
  single: Throughput;
  batch: Throughput;
  kafkajs: Throughput;
  kafkaPerfTool: Throughput & { recordSize: number };
  recordSize: number;
  /** Emmett and the bare server on the single-report sequence, same client, same run */
  peer: PeerBenchResult;
}

/**
 * Ingest end to end on a running stack (ingest API + projector): single reports with concurrent
 * writers, the batch endpoint, kafkajs straight to the topic — each counted until acknowledged and
 * until projected, with each process's CPU from /proc — beside the peer (Emmett, and a bare
 * node:http server) on the same single-report sequence, and Kafka's own ProducerPerformance.
 */
export async function runIngestBench(stack: BenchStack, o: IngestBenchOptions): Promise<IngestBenchResult> {
  // The peer first, on the same sequence and client; its schema is dropped and flushed before newsledger's timing.
  const peer = await runPeerBench(stack, o);
  const broker = brokerPid(stack.config.kafka.brokers);
  const apps = [`${stack.run}-ingest-api`, `${stack.run}-projector`];
  const parts: CpuPart[] = [
    { label: 'client', pids: () => [process.pid] },
    { label: 'server', pids: () => pidsOf(stack.pid('ingest-api')) },
    { label: 'projector', pids: () => pidsOf(stack.pid('projector')) },
    { label: 'postgres', pids: () => stack.backendPids(apps) },
    { label: 'broker', pids: () => pidsOf(broker) },
  ];
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(o.writers, o.batchWriters) });
  // A desk's ingest key, as ingestors send: every request reads its key's row, which the admin key is spared.
  const { key } = await new ApiKeyStore(stack.db).create('bench-desk', ['ingest']);
  let projectedBefore = await stack.projected();
  const untilProjected = async (n: number, started: number) => {
    projectedBefore += n;
    await stack.projectedAll(projectedBefore);
    return perSecond(n, performance.now() - started);
  };
  try {
    // Single reports, each its own request.
    const single = `${stack.run}s`;
    const singleUrl = new URL('/v1/reports', stack.urls.ingest);
    const sendSingle = async (body: string) => {
      const r = await post(agent, singleUrl, key, body, 'application/json');
      if (r.status !== 202) throw new Error(`POST /v1/reports answered ${r.status}: ${r.text.slice(0, 300)}`);
    };
    // Warmed up as the peer is (the apps' and the broker's JIT), and projected before timing.
    o.log(`single: ${o.warmupSeconds} s of warm-up, then ${o.singleReports} reports, ${o.writers} writers…`);
    const warmed = await driveFor(o.warmupSeconds, o.writers, (i) => sendSingle(JSON.stringify(benchReport(`${stack.run}w`, i, o.subjects))));
    await untilProjected(warmed, performance.now());
    const bodies = Array.from({ length: o.singleReports }, (_, i) => JSON.stringify(benchReport(single, i, o.subjects)));
    let meter = new CpuMeter(parts);
    await meter.start();
    let started = performance.now();
    const singleLatency = await drive(o.singleReports, o.writers, (i) => sendSingle(bodies[i]));
    const singleAcked = perSecond(o.singleReports, performance.now() - started);
    const singleProjected = await untilProjected(o.singleReports, started);
    const singleCpu = toMicros(await meter.stop(), o.singleReports);
    const sp = percentiles(singleLatency);

    // The batch endpoint, NDJSON.
    const batch = `${stack.run}b`;
    const batchUrl = new URL('/v1/reports/batch', stack.urls.ingest);
    const requests = Math.ceil(o.batchReports / o.batchSize);
    const ndjson = Array.from({ length: requests }, (_, r) => {
      const lines: string[] = [];
      for (let i = r * o.batchSize; i < Math.min(o.batchReports, (r + 1) * o.batchSize); i++) lines.push(JSON.stringify(benchReport(batch, i, o.subjects)));
      return { text: lines.join('\n'), count: lines.length };
    });
    o.log(`batch: ${o.batchReports} reports in requests of ${o.batchSize}, ${o.batchWriters} at a time…`);
    meter = new CpuMeter(parts);
    await meter.start();
    started = performance.now();
    const batchLatency = await drive(requests, o.batchWriters, async (r) => {
      const res = await post(agent, batchUrl, key, ndjson[r].text, 'application/x-ndjson');
      const accepted = res.status === 200 ? (JSON.parse(res.text) as { accepted: number }).accepted : -1;
      if (accepted !== ndjson[r].count) throw new Error(`POST /v1/reports/batch answered ${res.status}: ${res.text.slice(0, 300)}`);
    });
    const batchAcked = perSecond(o.batchReports, performance.now() - started);
    const batchProjected = await untilProjected(o.batchReports, started);
    const batchCpu = toMicros(await meter.stop(), o.batchReports);
    const bp = percentiles(batchLatency);

    // Straight to Kafka: what an ingestor publishing to the topic itself gets.
    const direct = `${stack.run}k`;
    const recordedAt = new Date().toISOString();
    const messages = Array.from({ length: o.kafkaReports }, (_, i) => benchMessage(direct, i, o.subjects, recordedAt));
    const recordSize = Math.round(messages.reduce((n, m) => n + Buffer.byteLength(m.value), 0) / Math.max(1, messages.length));
    const producer = stack.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    o.log(`kafkajs: ${o.kafkaReports} messages of ~${recordSize} bytes…`);
    meter = new CpuMeter(parts);
    await meter.start();
    started = performance.now();
    try {
      const chunk = 2000;
      for (let i = 0; i < messages.length; i += chunk) {
        await producer.send({ topic: stack.topics.events, acks: -1, messages: messages.slice(i, i + chunk) });
      }
    } finally {
      await producer.disconnect();
    }
    const kafkaAcked = perSecond(o.kafkaReports, performance.now() - started);
    const kafkaProjected = await untilProjected(o.kafkaReports, started);
    const kafkaCpu = toMicros(await meter.stop(), o.kafkaReports);

    o.log(`Kafka ProducerPerformance: ${o.kafkaReports} records of ${recordSize} bytes…`);
    const perf = await runProducerPerfTool({
      topic: `${stack.run}.perf`,
      numRecords: o.kafkaReports,
      recordSize,
      partitions: stack.config.kafka.eventsPartitions,
      brokers: stack.config.kafka.brokers.join(','),
    });
    return {
      recordSize,
      peer,
      single: { reports: o.singleReports, ackedPerSecond: singleAcked, projectedPerSecond: singleProjected, latencyMs: { p50: sp.p50, p99: sp.p99, max: sp.max }, cpuMicros: singleCpu },
      batch: { reports: o.batchReports, ackedPerSecond: batchAcked, projectedPerSecond: batchProjected, latencyMs: { p50: bp.p50, p99: bp.p99, max: bp.max }, cpuMicros: batchCpu },
      kafkajs: { reports: o.kafkaReports, ackedPerSecond: kafkaAcked, projectedPerSecond: kafkaProjected, cpuMicros: kafkaCpu },
      kafkaPerfTool: { reports: o.kafkaReports, recordSize, ackedPerSecond: perf.recordsPerSecond, latencyMs: { p50: perf.p50Ms, p99: perf.p99Ms, max: perf.maxMs } },
    };
  } finally {
    agent.destroy();
  }
}
