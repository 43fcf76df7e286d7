import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { EndOffsetsReader, KAFKA, KafkaClient } from '@newsledger/event-log';
import { MetricsRegistry } from '@newsledger/http';
import { ProjectionStore } from '@newsledger/persistence';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * The label of a dead letter's reason: the snake_case code (at least two words) before its first ':' (`id_conflict: id
 * "x" was…` → `id_conflict`), else `invalid`, so the free text never becomes a label value.
 */
export function deadLetterReasonCode(reason: string): string {
  const code = reason.split(':', 1)[0];
  return reason.includes(':') && /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(code) && code.length <= 40 ? code : 'invalid';
}

/** What became of a message the projector applied. */
export type ProjectedResult = 'projected' | 'duplicate' | 'dead_lettered';

/** The projector's metrics: lag per partition, batch sizes and latency, messages by result. */
@Injectable()
export class ProjectorMetrics implements OnApplicationShutdown {
  private readonly logger = new Logger('metrics');
  private readonly endOffsets: EndOffsetsReader;
  private readonly store = new ProjectionStore();
  private readonly batchSize: Histogram;
  private readonly batchSeconds: Histogram;
  private readonly messages: Counter<'result'>;
  private readonly retries: Counter<'partition'>;
  private readonly deadLetters: Counter<'reason'>;

  constructor(
    registry: MetricsRegistry,
    @Inject(KAFKA) kafka: KafkaClient,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.endOffsets = new EndOffsetsReader(kafka, config.kafka.topics.events);
    const lag = async (): Promise<Map<number, number>> => new Map([...(await this.readLag())].map(([p, l]) => [p, l.lag]));
    const logger = this.logger;
    new Gauge({
      name: 'newsledger_projector_lag',
      help: "Messages of the events topic not yet projected, per partition: the partition's end offset minus the group's stored checkpoint (read at scrape time, so a stuck projector shows a growing lag)",
      labelNames: ['partition'],
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const [partition, behind] of await lag()) this.set({ partition: String(partition) }, behind);
        } catch (e) {
          // No series rather than a stale one: an alert on absent() fires while Kafka or PostgreSQL is away.
          logger.warn(`projector lag unavailable: ${(e as Error).message}`);
        }
      },
    });
    this.batchSize = new Histogram({
      name: 'newsledger_projector_batch_size',
      help: 'Messages per applied batch (one PostgreSQL transaction)',
      buckets: [1, 5, 10, 50, 100, 500, 1000, 5000, 10_000],
      registers: [registry],
    });
    this.batchSeconds = new Histogram({
      name: 'newsledger_projector_batch_seconds',
      help: 'Time to apply one batch: decode, project, dead-letter and commit',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.messages = new Counter({
      name: 'newsledger_projector_messages_total',
      help: 'Messages applied by result: projected (a new event), duplicate (an id already indexed), dead_lettered (invalid, sent to the dead-letter topic)',
      labelNames: ['result'],
      registers: [registry],
    });
    this.retries = new Counter({
      name: 'newsledger_projector_retries_total',
      help: 'Failed attempts at applying a batch, per partition: each is retried with backoff (a poison message is dead-lettered instead, and counted as dead_lettered)',
      labelNames: ['partition'],
      registers: [registry],
    });
    this.deadLetters = new Counter({
      name: 'newsledger_projector_dead_letters_total',
      help: 'Messages sent to the dead-letter topic, by the code their reason starts with (invalid_report, wrong_partition, id_conflict, already_retracted, database_refused; invalid for any other)',
      labelNames: ['reason'],
      registers: [registry],
    });
  }

  /** Counts dead letters by their reason's code (see {@link deadLetterReasonCode}). */
  deadLettered(reasons: readonly string[]): void {
    for (const reason of reasons) this.deadLetters.inc({ reason: deadLetterReasonCode(reason) });
  }

  /** Counts a failed attempt at a partition's batch, which is retried. */
  retried(partition: number): void {
    this.retries.inc({ partition: String(partition) });
  }

  /** Records one committed batch. */
  batch(size: number, seconds: number, results: Record<ProjectedResult, number>): void {
    this.batchSize.observe(size);
    this.batchSeconds.observe(seconds);
    for (const [result, n] of Object.entries(results)) if (n > 0) this.messages.inc({ result }, n);
  }

  /** Per partition: its stored checkpoint, and how many messages lie past it. */
  async readLag(): Promise<Map<number, { checkpoint: number; lag: number }>> {
    const { events } = this.config.kafka.topics;
    const [ends, stored] = await Promise.all([
      this.endOffsets.read(),
      this.store.checkpoints(this.db.manager, this.config.kafka.projectorGroupId, events),
    ]);
    return new Map(
      [...ends].map(([partition, end]) => {
        const checkpoint = Number(stored.get(partition) ?? 0);
        return [partition, { checkpoint, lag: Math.max(0, Number(end) - checkpoint) }];
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.endOffsets.close();
  }
}
