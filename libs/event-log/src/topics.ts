import { Admin, AdminConfig, ConfigResourceTypes, ConfigSource, Kafka } from 'kafkajs';

/** The three topics and how they are kept. */
export interface TopicSettings {
  events: string;
  statusChanges: string;
  dlq: string;
  eventsPartitions: number;
}

/**
 * The events topic's timestamps are the broker's append times: recordedAt is when the log took a
 * report, and no producer can set it (see {@link fromCloudEvent}).
 */
export const APPEND_TIME = { name: 'message.timestamp.type', value: 'LogAppendTime' } as const;

/**
 * Creates the topics when missing. The events topic is the source of truth: kept forever, with
 * the broker's append times ({@link APPEND_TIME}); an events topic made by an earlier version is
 * switched to them (messages already on it keep their timestamps). Partition counts are never
 * changed here, as that would move subjects between partitions.
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
    if (existing.has(t.events)) await useAppendTime(admin, t.events);
    const wanted = [
      { topic: t.events, numPartitions: t.eventsPartitions, replicationFactor: 1, configEntries: [...forever, APPEND_TIME] },
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
 * Switches a topic to the broker's append times unless it already uses them. AlterConfigs (all
 * kafkajs has) replaces a topic's whole set of overrides, so the others are sent along unchanged.
 */
async function useAppendTime(admin: Admin, topic: string): Promise<void> {
  const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
  const entries = resources[0]?.configEntries ?? [];
  if (entries.some((e) => e.configName === APPEND_TIME.name && e.configValue === APPEND_TIME.value)) return;
  const overrides = entries
    .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && e.configName !== APPEND_TIME.name)
    .map((e) => ({ name: e.configName, value: e.configValue }));
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [...overrides, APPEND_TIME] }] });
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
