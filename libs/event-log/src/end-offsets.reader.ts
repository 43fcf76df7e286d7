import { Admin, Kafka } from 'kafkajs';

/**
 * One admin client kept connected between reads: for samplers that read offsets every few seconds
 * (the projector's lag gauge and stall check, the desks' admission lag), where an admin client per
 * read would open and close broker connections at the same rate. A failed read drops the client,
 * so the next read connects afresh (a broker that went away and came back).
 */
class KeptAdmin {
  private admin: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async use<T>(read: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await read(await (this.admin ??= this.connect()));
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Admin> {
    // No retries: a sample that fails is simply not taken; the next one tries again.
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    return admin;
  }
}

/** A topic's end offsets, read through an admin client kept connected between reads. */
export class EndOffsetsReader {
  private readonly admin: KeptAdmin;

  constructor(kafka: Kafka, private readonly topic: string) {
    this.admin = new KeptAdmin(kafka);
  }

  /** Each partition's end offset (the offset the next message will get). */
  read(): Promise<Map<number, string>> {
    return this.admin.use(async (admin) => new Map((await admin.fetchTopicOffsets(this.topic)).map((o) => [o.partition, o.high])));
  }

  /** Disconnects the client, if one is connected; a later read connects again. */
  close(): Promise<void> {
    return this.admin.close();
  }
}

/** How far a consumer group is behind on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** The next offset the group will read: its committed offset, or the partition's first one where it committed none. */
  next: string;
  /** Messages after `next`: the partition's end offset minus it. */
  lag: number;
}

/** What a consumer group (whose offsets are committed to Kafka) has yet to read, through an admin client kept connected between reads. */
export class GroupLagReader {
  private readonly admin: KeptAdmin;

  constructor(kafka: Kafka, private readonly groupId: string) {
    this.admin = new KeptAdmin(kafka);
  }

  /** Each partition of these topics, with the group's next offset and lag; a topic that does not exist (yet) has none. */
  read(topics: readonly string[]): Promise<PartitionLag[]> {
    if (topics.length === 0) return Promise.resolve([]);
    return this.admin.use(async (admin) => {
      const lags: PartitionLag[] = [];
      // One topic at a time: one that is missing would fail a read of all of them.
      for (const topic of topics) {
        let committed: Awaited<ReturnType<Admin['fetchOffsets']>>;
        let ends: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
        try {
          committed = await admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
          ends = await admin.fetchTopicOffsets(topic);
        } catch (e) {
          if ((e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') continue;
          throw e;
        }
        const partitions = committed.find((c) => c.topic === topic)?.partitions ?? [];
        for (const end of ends) {
          const offset = partitions.find((p) => p.partition === end.partition)?.offset;
          // '-1': nothing committed, so the group starts from the first message still kept.
          const next = offset === undefined || offset === '-1' ? end.low : offset;
          lags.push({ topic, partition: end.partition, next, lag: Math.max(0, Number(end.high) - Number(next)) });
        }
      }
      return lags;
    });
  }

  /** Disconnects the client, if one is connected; a later read connects again. */
  close(): Promise<void> {
    return this.admin.close();
  }
}
