import * as fs from 'node:fs';
import * as path from 'node:path';

interface PerfOutput {
  records: number;
  recordsPerSec: number;
  p50: number;
  p99: number;
  maxLatencyMs: number;
}

interface KafkaLauncher {
  runProducerPerf(o: { topic: string; numRecords: number; recordSize: number; partitions: number; brokers: string; producerProps?: Record<string, string> }): Promise<PerfOutput>;
}

/** The repository root: the nearest folder up from here with a package.json (works from src and from dist). */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('no package.json above the bench');
    dir = up;
  }
  return dir;
}

/**
 * Kafka's own `ProducerPerformance`, from the jars the broker runs on, with the producer settings
 * the apps use (acks=all, idempotent), on a fresh topic with the events topic's partition count.
 */
export async function runProducerPerfTool(o: { topic: string; numRecords: number; recordSize: number; partitions: number; brokers: string }): Promise<{
  recordsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}> {
  // The launcher is plain CommonJS outside the TypeScript tree (it runs before any build).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const launcher = require(path.join(repoRoot(), 'scripts', 'kafka', 'kafka.js')) as KafkaLauncher;
  const out = await launcher.runProducerPerf({ ...o, producerProps: { acks: 'all', 'enable.idempotence': 'true' } });
  return { recordsPerSecond: Math.round(out.recordsPerSec), p50Ms: out.p50, p99Ms: out.p99, maxMs: out.maxLatencyMs };
}
