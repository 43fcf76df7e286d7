import { freshId, testConfig } from '@newsledger/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLogConsumer } from './event-log.consumer';
import { createKafka } from './kafka.factory';
import { LogBatch } from './log-batch';
import { withAdmin } from './topics';

/** An applied batch: its partition, its offsets, and how many messages were still to come after it. */
interface Applied {
  partition: number;
  offsets: number[];
  lag: number;
}

describe('EventLogConsumer taking a backlog in turns (real Kafka)', () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'consumer-turns-int' });

  /** A 3-partition topic holding `counts[p]` messages of ~200 bytes on partition p. */
  async function backlog(counts: number[]): Promise<string> {
    const topic = `${process.env.TEST_RUN_ID ?? 'tlocal'}.${freshId('turns')}`;
    await withAdmin(kafka, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: counts.length }], waitForLeaders: true }));
    const producer = kafka.producer();
    await producer.connect();
    try {
      const body = 'x'.repeat(200);
      // Sent five at a time: a fetch returns whole record batches, so smaller ones make smaller fetches.
      for (let from = 0; from < Math.max(...counts); from += 5) {
        const messages = counts.flatMap((n, partition) =>
          Array.from({ length: Math.max(0, Math.min(5, n - from)) }, (_, i) => ({ partition, key: `p${partition}`, value: `${from + i}:${body}` })),
        );
        await producer.send({ topic, acks: -1, messages });
      }
    } finally {
      await producer.disconnect();
    }
    return topic;
  }

  /** Consumes `topic` from the start until `total` messages are applied; returns the batches in the order applied. */
  async function consume(topic: string, total: number, catchUpPartitions: number): Promise<Applied[]> {
    const applied: Applied[] = [];
    // Fetches of ~2 kB: about ten messages a batch, so a partition of 120 is twelve batches.
    const consumer = new EventLogConsumer(kafka, topic, `${topic}.group`, {
      catchUp: { partitions: catchUpPartitions, behind: 20, sliceMs: 60_000, partitionBytes: 2048 },
      maxBytesPerPartition: catchUpPartitions ? undefined : 2048,
    });
    let count = 0;
    await consumer.start({
      onBatch: async (b: LogBatch) => {
        const offsets = b.messages.map((m) => Number(m.offset));
        applied.push({ partition: b.partition, offsets, lag: Number(b.highWatermark) - 1 - offsets[offsets.length - 1] });
        count += offsets.length;
      },
      storedOffsets: async () => new Map(),
    });
    try {
      for (let waited = 0; count < total; waited += 100) {
        if (waited > 60_000) throw new Error(`only ${count} of ${total} messages applied`);
        await sleep(100);
      }
    } finally {
      await consumer.stop();
    }
    return applied;
  }

  /** The partitions of the batches applied while their partition was behind, one entry per run of the same partition. */
  const runsBehind = (applied: Applied[]) =>
    applied.filter((a) => a.lag >= 20).map((a) => a.partition).filter((p, i, all) => i === 0 || all[i - 1] !== p);

  it('applies one partition of a backlog at a time, each message once and in order, and never holds back a partition near its end', async () => {
    const topic = await backlog([120, 120, 5]);
    const applied = await consume(topic, 245, 1);

    // Every message once, in its partition's order, although batches of waiting partitions were fetched and left.
    for (const [partition, n] of [[0, 120], [1, 120], [2, 5]]) {
      expect(applied.filter((a) => a.partition === partition).flatMap((a) => a.offsets)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    // Partitions 0 and 1 one after the other: the second starts once the first is near its end.
    expect(runsBehind(applied).sort()).toEqual([0, 1]);
    // Partition 2 was never behind: it did not wait for the backlog of the first two.
    const lastOfBacklog = applied.map((a) => a.partition !== 2 && a.lag >= 20).lastIndexOf(true);
    expect(applied.findIndex((a) => a.partition === 2)).toBeLessThan(lastOfBacklog);
  });

  it('applies every partition of a backlog side by side without turns', async () => {
    const topic = await backlog([120, 120, 5]);
    const applied = await consume(topic, 245, 0);
    expect(runsBehind(applied).length).toBeGreaterThan(2);
  });
});
