import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GroupCommit } from '@newsledger/batching';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import {
  encodeDeadLetter,
  ensureTopics,
  EventLogConsumer,
  EventLogProducer,
  KAFKA,
  LogBatch,
} from '@newsledger/event-log';
import { ProjectionStore, SubjectStateStore } from '@newsledger/persistence';
import { projectMessages, storeLookups } from '@newsledger/projection';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ProjectorMetrics } from '../projector.metrics';
import { LogIdentityGuard } from './log-identity.guard';

/** Batches this small (live traffic) are applied together with the other small batches of their fetch. */
const GROUPED_BELOW = 1000;

/**
 * Consumes the events topic and applies fetched batches in PostgreSQL transactions: event index,
 * view rows (bounded summaries), cross-subject links, status-change outbox and the partitions'
 * checkpoints. The checkpoint rows are locked first, so messages already applied are skipped
 * whatever Kafka redelivers, and a crash at any point loses and doubles nothing.
 *
 * A backlog's large batches go side by side, one transaction each, so PostgreSQL works on several
 * at once. Live traffic fetches a few events per partition at a time: those small batches share
 * one transaction per fetch (one statement of each kind, one commit) instead of six.
 */
@Injectable()
export class EventsProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');
  private readonly store = new ProjectionStore();
  private readonly states = new SubjectStateStore();
  private readonly consumer: EventLogConsumer;
  private readonly dlq: EventLogProducer;
  private readonly group: string;
  // A group that fails is applied again batch by batch: a partition whose batch keeps failing
  // holds back only itself (kafkajs retries it), not the others of its fetch.
  private readonly smallBatches = new GroupCommit((batches: LogBatch[]) => this.applyTogether(batches), 64, {
    gatherTick: true,
    isolateFailures: true,
  });

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly metrics: ProjectorMetrics,
    private readonly logIdentity: LogIdentityGuard,
  ) {
    this.group = config.kafka.projectorGroupId;
    this.consumer = new EventLogConsumer(kafka, config.kafka.topics.events, this.group, {
      sessionTimeout: config.kafka.sessionTimeoutMs,
      partitionsConcurrently: config.kafka.projectorConcurrency,
    });
    this.dlq = new EventLogProducer(kafka, config.kafka.topics.dlq);
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, { ...this.config.kafka.topics, eventsPartitions: this.config.kafka.eventsPartitions });
    await this.dlq.connect();
    await this.consumer.start({
      onBatch: (batch) => this.apply(batch),
      storedOffsets: (topic) => this.store.checkpoints(this.db.manager, this.group, topic),
      // Nothing is applied from a log other than the one the views came from.
      admit: () => this.logIdentity.admit(this.consumer),
      log: (message, extra) => this.logger.log({ ...extra }, message),
    });
    this.logger.log(`consuming ${this.config.kafka.topics.events} as ${this.group}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.dlq.disconnect();
  }

  private async apply(batch: LogBatch): Promise<void> {
    if (batch.messages.length < GROUPED_BELOW) await this.smallBatches.submit(batch);
    else await this.applyTogether([batch]);
  }

  /** Applies batches of distinct partitions of the events topic in one transaction. */
  private async applyTogether(batches: LogBatch[]): Promise<void[]> {
    const started = Date.now();
    const topic = batches[0].topic;
    const outcome = await this.db.transaction(async (m) => {
      const next = await this.store.lockCheckpoints(m, this.group, topic, batches.map((b) => b.partition));
      const fresh = batches.flatMap((b) => b.messages.filter((msg) => BigInt(msg.offset) >= next.get(b.partition)!));
      if (fresh.length === 0) return undefined;

      const out = await projectMessages(fresh, storeLookups(m, this.store, this.states));

      // Dead letters go out before the commit: a crash in between re-sends them (recognisable by
      // their original position) rather than losing them.
      if (out.rejected.length > 0) {
        await this.dlq.appendAll(
          out.rejected.map((r) =>
            encodeDeadLetter({
              reason: r.reason,
              issues: r.issues,
              original: {
                topic,
                partition: r.message.partition,
                offset: r.message.offset,
                timestamp: r.message.timestamp,
                key: r.message.key,
                value: r.message.value?.toString('utf8') ?? null,
              },
            }),
          ),
        );
      }
      await this.store.writeBatch(m, {
        ...out,
        changes: { rows: out.changes, topic: this.config.kafka.topics.statusChanges },
        checkpoints: { group: this.group, topic, next: new Map(fresh.map((msg) => [msg.partition, BigInt(msg.offset) + 1n])) },
      });
      return out;
    });
    if (outcome) {
      this.metrics.batch(outcome.events.length + outcome.duplicates + outcome.rejected.length, (Date.now() - started) / 1000, {
        projected: outcome.events.length,
        duplicate: outcome.duplicates,
        dead_lettered: outcome.rejected.length,
      });
      this.logger.debug(
        {
          partitions: batches.map((b) => b.partition), events: outcome.events.length, views: outcome.views.length,
          rejected: outcome.rejected.length, duplicates: outcome.duplicates, ms: Date.now() - started,
          // How long the oldest first message had waited on the log when the transaction began.
          waitedMs: started - Math.min(...batches.map((b) => Date.parse(b.messages[0].timestamp))),
        },
        'batch applied',
      );
      for (const r of outcome.rejected) {
        this.logger.warn({ partition: r.message.partition, offset: r.message.offset, reason: r.reason }, 'dead-lettered');
      }
    }
    return batches.map(() => undefined);
  }
}
