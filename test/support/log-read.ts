import { Kafka } from 'kafkajs';
import { eventually, freshId } from './stack';

/** Sum of the end offsets of a topic's partitions. */
export async function logEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.offset), 0);
  } finally {
    await admin.disconnect();
  }
}

/** One message of the log, as read back; `id` is its CloudEvent id (empty when it is not one). */
export interface LoggedMessage {
  partition: number;
  offset: string;
  id: string;
}

/** Reads a whole topic back (its CloudEvent ids with their positions). */
export async function readLog(kafka: Kafka, topic: string): Promise<LoggedMessage[]> {
  const total = await logEnd(kafka, topic);
  const consumer = kafka.consumer({ groupId: freshId('read-log'), maxWaitTimeInMs: 500 });
  const out: LoggedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      let id = '';
      try {
        id = String(JSON.parse(message.value?.toString('utf8') ?? 'null')?.id ?? '');
      } catch {
        // not a CloudEvent (a test's garbage for the dead-letter path): counted, with no id
      }
      out.push({ partition, offset: message.offset, id });
    },
  });
  try {
    await eventually('the whole log read back', async () => (out.length >= total ? true : undefined), 300_000);
  } finally {
    await consumer.disconnect();
  }
  return out;
}
