import { Consumer, Kafka, Partitioners, Producer } from 'kafkajs';
import { OutgoingMessage } from './event-log.producer';
import { InboundPosition } from './inbound.message';
import { RestartingConsumer, RestartReporting } from './restarting.consumer';

/** A message of a desk's inbound topic. */
export interface InboundMessage extends InboundPosition {
  key: string | null;
  value: Buffer | null;
}

/**
 * Handles one partition's batch, in order. Resolving commits the batch's offsets; throwing commits
 * nothing, and the batch is read again after a pause: offsets move only past what was settled.
 */
export type InboundHandler = (messages: InboundMessage[], session: { heartbeat: () => Promise<void>; isRunning: () => boolean }) => Promise<void>;

/**
 * Reads the desks' inbound topics in the ingest APIs' consumer group, committing a partition's
 * offsets only after its batch was handled. The set of topics changes as desks are made and
 * revoked: {@link follow} rejoins the group with the new set (kafkajs fixes a consumer's
 * subscriptions when it runs), and with none it leaves the group. A consumer kafkajs gives up on
 * is started again on the same topics ({@link RestartingConsumer}).
 */
export class InboundConsumer {
  private consumer: RestartingConsumer | undefined;
  /** The topics the running consumer reads; none while it could not start, so the next follow() tries again. */
  private topics: readonly string[] = [];
  /** The last change of topics: each waits for the one before, whether it worked or not. */
  private change: Promise<void> = Promise.resolve();
  private producer: Promise<Producer> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly handle: InboundHandler,
    private readonly restarts: RestartReporting = {},
  ) {}

  /**
   * Reads exactly these topics from now on (their first message, for a topic the group never
   * read). Rejects when the consumer cannot start (the broker away, a topic not made yet): the
   * next call tries again.
   */
  follow(topics: readonly string[]): Promise<void> {
    const wanted = [...new Set(topics)].sort();
    const change = this.change.catch(() => undefined).then(async () => {
      if (wanted.join('\n') === this.topics.join('\n')) return;
      await this.stopConsumer();
      if (wanted.length > 0) await this.startConsumer(wanted);
      this.topics = wanted;
    });
    this.change = change;
    return change;
  }

  /** Leaves the group (the batch in hand finishes, and commits, first) and closes the producer. */
  async stop(): Promise<void> {
    await this.follow([]);
    const producer = this.producer;
    this.producer = undefined;
    await producer?.then((p) => p.disconnect(), () => undefined);
  }

  /** Appends messages to a topic other than the inbound ones (a desk's rejections), acknowledged by every in-sync replica. */
  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (!this.producer) {
      // Kafka's default partitioner (murmur2, as the Java clients), named so kafkajs does not warn about its change of default.
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      this.producer = producer.connect().then(() => producer);
      // A failed connect is tried again by the next send.
      this.producer.catch(() => (this.producer = undefined));
    }
    await (await this.producer).send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })) });
  }

  private async startConsumer(topics: string[]): Promise<void> {
    const kept = new RestartingConsumer({
      make: (restartOnFailure) => this.kafka.consumer({
        groupId: this.groupId,
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: 500,
        retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000, restartOnFailure },
      }),
      run: (consumer) => this.run(consumer, topics),
      ...this.restarts,
    });
    await kept.start();
    this.consumer = kept;
  }

  private async run(consumer: Consumer, topics: string[]): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const { topic, partition } = batch;
        await this.handle(
          batch.messages.map((m) => ({ topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, value: m.value })),
          { heartbeat, isRunning: () => isRunning() && !isStale() },
        );
        const last = batch.messages[batch.messages.length - 1].offset;
        await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
        resolveOffset(last);
      },
    });
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.topics = [];
    await consumer?.stop();
  }
}
