import { eventually } from '@newsledger/testing';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

/** A seeded generator (numbers in [0, 1)), so a failing run can be replayed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Waits until the projector's stored checkpoints reach the end of every partition of the topic. */
export async function checkpointsAtEnd(kafka: Kafka, db: DataSource, run: { env: NodeJS.ProcessEnv; topics: { events: string } }): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(run.topics.events);
  await admin.disconnect();
  await eventually('checkpoints at the end of the log', async () => {
    const rows: { partition: number; next_offset: string }[] = await db.query(
      `SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`, [run.env.PROJECTOR_GROUP_ID, run.topics.events]);
    const stored = new Map(rows.map((r) => [r.partition, String(r.next_offset)]));
    return ends.every((e) => e.offset === '0' || stored.get(e.partition) === e.offset) ? true : undefined;
  }, 300_000);
}
