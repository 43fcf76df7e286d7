import { Admin, AdminConfig, Kafka } from 'kafkajs';

/** The three topics and how they are kept. */
export interface TopicSettings {
  events: string;
  statusChanges: string;
  dlq: string;
  eventsPartitions: number;
}

/**
 * Creates the topics when missing. The events topic is the source of truth: kept forever.
 * Existing topics are left as they are (their partition count is never changed here, as that
 * would move subjects between partitions).
 */
export async function ensureTopics(kafka: Kafka, t: TopicSettings): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const forever = [
      { name: 'retention.ms', value: '-1' },
      { name: 'retention.bytes', value: '-1' },
      { name: 'cleanup.policy', value: 'delete' },
    ];
    const wanted = [
      { topic: t.events, numPartitions: t.eventsPartitions, replicationFactor: 1, configEntries: forever },
      // One partition: the feed has one total order (its SSE position and resume rely on it); the
      // key is still the subject. Status changes are a small fraction of the events.
      { topic: t.statusChanges, numPartitions: 1, replicationFactor: 1, configEntries: forever },
      { topic: t.dlq, numPartitions: 1, replicationFactor: 1, configEntries: forever },
    ].filter((w) => !existing.has(w.topic));
    if (wanted.length > 0) {
      await admin.createTopics({ topics: wanted, waitForLeaders: true }).catch((e: { type?: string }) => {
        if (e.type !== 'TOPIC_ALREADY_EXISTS') throw e;
      });
    }
    return wanted.map((w) => w.topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * How many partitions a topic has: a subject's partition depends on it, so every reader that
 * checks a message's placement reads it once, when it starts.
 */
export async function fetchPartitionCount(kafka: Kafka, topic: string): Promise<number> {
  return withAdmin(kafka, async (admin) => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length);
}

/** True when the cluster answers a metadata request in time. */
export async function pingKafka(kafka: Kafka): Promise<void> {
  await withAdmin(kafka, (admin) => admin.describeCluster(), { retry: { retries: 0 } });
}

/** Runs `use` with an admin client of its own, connected for it and disconnected after, whatever happens. */
export async function withAdmin<T>(kafka: Kafka, use: (admin: Admin) => Promise<T>, config?: AdminConfig): Promise<T> {
  const admin = kafka.admin(config);
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}
