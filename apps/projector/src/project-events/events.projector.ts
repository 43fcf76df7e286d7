import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GroupCommit, HeldTurn, SerialTurn } from '@newsledger/batching';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import {
  encodeDeadLetter,
  ensureTopics,
  EventLogConsumer,
  EventLogProducer,
  fetchPartitionCount,
  KAFKA,
  KafkaClient,
  LogBatch,
  LogMessage,
  OutgoingMessage,
} from '@newsledger/event-log';
import { isDeterministicFailure, ProjectionStore, sqlStateOf, SubjectStateStore } from '@newsledger/persistence';
import { BatchLookups, EventBulk, isolatePoison, projectMessages, storeLookups } from '@newsledger/projection';
import type { ValidationIssue } from '@newsledger/domain';
import { DataSource } from 'typeorm';
import { ProjectorMetrics } from '../projector.metrics';
import { nextOffsets, unapplied } from './checkpoint.offsets';
import { LogIdentityGuard } from './log-identity.guard';
import { StalledPartitionsHealth } from './stalled-partitions.health';
import { SnapshotsTaker } from '../take-snapshots/snapshots.taker';

/** Batches this small (live traffic) are applied together with the other small batches of their fetch. */
const GROUPED_BELOW = 1000;

/** How long a backlog's batch waits for a PostgreSQL lock before it is retried (see `applyTogether`). */
const TURN_LOCK_TIMEOUT = '30s';

/** The turns a backlog's batches take: one reducing at a time, one writing at a time. */
interface BatchTurns {
  reduce: SerialTurn;
  write: SerialTurn;
}

/**
 * Consumes the events topic and applies fetched batches in PostgreSQL transactions: event index,
 * view rows (bounded summaries), cross-subject links, status-change outbox and the partitions'
 * checkpoints. The checkpoint rows are locked first, so messages already applied are skipped
 * whatever Kafka redelivers, and a crash at any point loses and doubles nothing.
 *
 * A backlog is taken a few partitions at a time (`PROJECTOR_CATCH_UP_PARTITIONS`, taking turns),
 * in large batches, one transaction each: the larger a batch, the fewer times each subject's row
 * is rewritten. The batches in hand take turns twice: one reduces while one writes, so PostgreSQL
 * works on one while the next is reduced, and never on two of them at once. Live traffic fetches a few
 * events per partition at a time: those small batches share one transaction per fetch (one
 * statement of each kind, one commit) instead of six, and take no turn.
 *
 * Nothing a client sends can stop a partition. A message that is not a valid event is dead-lettered
 * when decoded. A batch PostgreSQL refuses for what it holds (see `isDeterministicFailure`) is
 * applied again by halves until the message(s) responsible are found; each is dead-lettered with the
 * database's reason and the checkpoint moves past it, while the rest are applied as always. Only
 * transient failures are retried as they are, and a partition they hold back shows on `/health`.
 */
@Injectable()
export class EventsProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector');
  private readonly store = new ProjectionStore();
  private readonly states = new SubjectStateStore();
  private readonly consumer: EventLogConsumer;
  private readonly dlq: EventLogProducer;
  private readonly group: string;
  /** The events topic's partition count: a message off its subject's partition is dead-lettered. */
  private partitions: number | undefined;
  /**
   * A backlog's batches take turns: one reduces while another writes, from its first write (the
   * COPY) to its commit. Two writing at once cost PostgreSQL more CPU an event (contention between
   * their backends), and a reduce beside a write held the writer's next statements back. Live
   * traffic's small batches take no turn, so they never wait for a backlog's.
   */
  private readonly turns: BatchTurns = { reduce: new SerialTurn(), write: new SerialTurn() };
  // A group that fails is applied again batch by batch: a partition whose batch keeps failing
  // holds back only itself (kafkajs retries it), not the others of its fetch.
  private readonly smallBatches = new GroupCommit((batches: LogBatch[]) => this.applyTogether(batches), 64, {
    gatherTick: true,
    isolateFailures: true,
  });

  constructor(
    @Inject(KAFKA) private readonly kafka: KafkaClient,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly metrics: ProjectorMetrics,
    private readonly stalls: StalledPartitionsHealth,
    private readonly logIdentity: LogIdentityGuard,
    private readonly snapshots: SnapshotsTaker,
  ) {
    this.group = config.kafka.projectorGroupId;
    this.consumer = new EventLogConsumer(kafka, config.kafka.topics.events, this.group, {
      sessionTimeout: config.kafka.sessionTimeoutMs,
      partitionsConcurrently: config.kafka.projectorConcurrency,
      catchUp: { partitions: config.kafka.projectorCatchUpPartitions },
      gatherMs: config.kafka.projectorFetchWaitMs,
    });
    this.dlq = new EventLogProducer(kafka, config.kafka.topics.dlq);
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, { ...this.config.kafka.topics, eventsPartitions: this.config.kafka.eventsPartitions });
    await this.dlq.connect();
    this.partitions = await fetchPartitionCount(this.kafka, this.config.kafka.topics.events);
    await this.consumer.start({
      onBatch: (batch) => this.apply(batch),
      storedOffsets: (topic) => this.store.checkpoints(this.db.manager, this.group, topic),
      // Nothing is applied from a log other than the one the views came from.
      admit: () => this.logIdentity.admit(this.consumer),
      log: (message, extra) => this.logger.log({ ...extra }, message),
      warn: (message, extra) => this.logger.warn({ ...extra }, message),
    });
    this.logger.log(`consuming ${this.config.kafka.topics.events} as ${this.group}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.dlq.disconnect();
  }

  private async apply(batch: LogBatch): Promise<void> {
    try {
      try {
        if (batch.messages.length < GROUPED_BELOW) await this.smallBatches.submit(batch);
        else await this.applyTogether([batch], this.turns);
      } catch (e) {
        if (!isDeterministicFailure(e)) throw e;
        this.logger.warn(
          { partition: batch.partition, from: batch.messages[0].offset, messages: batch.messages.length, error: (e as Error).message, sqlState: sqlStateOf(e) },
          'the database refused this batch for what it holds; finding the message(s) responsible',
        );
        await isolatePoison(batch.messages, {
          apply: async (messages) => {
            await this.applyTogether([{ ...batch, messages: [...messages] }]);
          },
          isPoison: isDeterministicFailure,
          setAside: (message, error) => this.setAside(batch.topic, message, error),
        });
      }
      this.stalls.applied(batch.partition);
    } catch (e) {
      // Transient (PostgreSQL or Kafka away, a serialization failure): kafkajs fetches the batch again.
      this.metrics.retried(batch.partition);
      this.stalls.failed(batch.partition, e);
      this.logger.warn({ partition: batch.partition, from: batch.messages[0].offset, error: (e as Error).message }, 'batch failed; retrying');
      throw e;
    }
  }

  /**
   * Dead-letters a message PostgreSQL refuses even alone, with the database's reason, and moves the
   * checkpoint past it in the same transaction discipline as any batch.
   */
  private async setAside(topic: string, message: LogMessage, e: unknown): Promise<void> {
    const reason = `database_refused: ${(e as Error).message}${sqlStateOf(e) ? ` (SQLSTATE ${sqlStateOf(e)})` : ''}`;
    const done = await this.db.transaction(async (m) => {
      const next = await this.store.lockCheckpoints(m, this.group, topic, [message.partition]);
      if (BigInt(message.offset) < next.get(message.partition)!) return false;
      await this.dlq.appendAll([this.deadLetter(topic, message, reason, [])]);
      await this.store.passCheckpoint(m, this.group, topic, message.partition, message.offset);
      return true;
    });
    if (!done) return;
    this.metrics.batch(1, 0, { projected: 0, duplicate: 0, dead_lettered: 1 });
    this.metrics.deadLettered([reason]);
    this.logger.warn({ partition: message.partition, offset: message.offset, reason }, 'dead-lettered');
  }

  private deadLetter(topic: string, message: LogMessage, reason: string, issues: ValidationIssue[]): OutgoingMessage {
    return encodeDeadLetter({
      reason,
      issues,
      original: {
        topic,
        partition: message.partition,
        offset: message.offset,
        timestamp: message.timestamp,
        key: message.key,
        value: message.value?.toString('utf8') ?? null,
      },
    });
  }

  /** Applies batches of distinct partitions of the events topic in one transaction, taking `turns` when given. */
  private async applyTogether(batches: LogBatch[], turns?: BatchTurns): Promise<void[]> {
    const started = Date.now();
    const topic = batches[0].topic;
    // Live batches take no turn: nothing to wrap or wait for on their path.
    const writing = turns?.write.lazily();
    const outcome = await this.db
      .transaction(async (m) => {
        // A batch waiting for the write turn holds its locks: a lock request queued between it and
        // the writer (an ACCESS EXCLUSIVE one) would close a cycle PostgreSQL cannot see. This
        // breaks it; the batch is retried (55P03 is transient).
        if (turns) await m.query(`SET LOCAL lock_timeout = '${TURN_LOCK_TIMEOUT}'`);
        const next = await this.store.lockCheckpoints(m, this.group, topic, batches.map((b) => b.partition));
        const unappliedByBatch = batches.map((b) => unapplied(b.messages, next.get(b.partition)!));
        const fresh = unappliedByBatch.flat();
        if (fresh.length === 0) return undefined;

        const lookups = storeLookups(m, this.store, this.states);
        const out = await projectMessages(fresh, writing ? writingIn(writing, lookups) : lookups, {
          partitions: this.partitions,
          reduceTurn: turns?.reduce,
        });

        // Dead letters go out before the commit: a crash in between re-sends them (recognisable by
        // their original position) rather than losing them. In the write turn (rejects are rare).
        if (out.rejected.length > 0) {
          await this.dlq.appendAll(out.rejected.map((r) => this.deadLetter(topic, r.message, r.reason, r.issues)));
        }
        // Held since the COPY already; taken here too so no write ever goes out without it.
        await writing?.take();
        await this.store.writeBatch(m, {
          ...out,
          changes: { rows: out.changes, topic: this.config.kafka.topics.statusChanges },
          checkpoints: { group: this.group, topic, next: nextOffsets(unappliedByBatch) },
          settles: out.events,
        });
        return out;
      })
      // Held to the commit (or the rollback), so the next writer's statements never meet these.
      .finally(() => writing?.giveBack());
    if (outcome) {
      this.snapshots.applied(outcome);
      this.metrics.batch(outcome.events.length + outcome.duplicates + outcome.rejected.length, (Date.now() - started) / 1000, {
        projected: outcome.events.length,
        duplicate: outcome.duplicates,
        dead_lettered: outcome.rejected.length,
      });
      this.metrics.deadLettered(outcome.rejected.map((r) => r.reason));
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

/** The batch's event index writes, each made in the write turn (taken at the first, held to the end). */
function writingIn<B extends EventBulk>(turn: HeldTurn, lookups: BatchLookups<B>): BatchLookups<B> {
  return {
    ...lookups,
    copyEvents: async (rows) => {
      await turn.take();
      return lookups.copyEvents(rows);
    },
    copyNewEvents: async (rows) => {
      await turn.take();
      return lookups.copyNewEvents(rows);
    },
  };
}
