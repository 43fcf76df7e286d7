import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { judgeLog, KAFKA, KafkaClient, LogAnchor, LogBatch, LogRefusal, messageMark, readLogFacts, readMarks } from '@newsledger/event-log';
import { MetricsRegistry } from '@newsledger/http';
import { LogIdentityStore, ProjectionStore } from '@newsledger/persistence';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';

/** What the guard needs of the consumer it keeps. */
interface Consumer {
  hold(): void;
  release(): Promise<void>;
  onApplied(listener: (batch: LogBatch) => void): void;
}

/** While refused, the log is checked this often, so adopting it or pointing back is noticed soon. */
const RECHECK_REFUSED_MS = 3_000;
/**
 * While projecting, the whole check (anchors included) runs this often: a topic deleted and made
 * again under a running projector, and refilled past its checkpoints, shows only in its anchors,
 * and its events would otherwise be skipped without a word. Refused, `rebuild --adopt-log`
 * derives the views from the new log, the skipped events included.
 */
const RECHECK_OK_MS = 15_000;

/**
 * Keeps the projector on the log its views came from. On every group join (the consumer's
 * `admit`) and then periodically it compares the stored identity (cluster id, a message per
 * partition that was applied from this log, anchored by the first batch applied there) and the
 * checkpoints with what the brokers hold now; on a mismatch the consumer is
 * held, so nothing is applied and no checkpoint moves, and the refusal is written where every
 * process's `/health` reads it. It lets go by itself once the log matches again (the apps pointed
 * back, or `rebuild --adopt-log` recorded this log).
 */
@Injectable()
export class LogIdentityGuard implements OnApplicationShutdown {
  private readonly logger = new Logger('log-identity');
  private readonly identities = new LogIdentityStore();
  private readonly projection = new ProjectionStore();
  private readonly group: string;
  private readonly topic: string;
  private refusal: LogRefusal | undefined;
  private running: Promise<LogRefusal | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private consumer: Consumer | undefined;
  /** Partitions with an anchor stored (as of the last check, plus those anchored since). */
  private anchored = new Set<string>();
  private anchoring: Promise<void> = Promise.resolve();
  /** Whether the consumer hands batches over; false from every group join until a check passes. */
  private admitted = false;
  private stopped = false;
  private readonly refusedGauge: Gauge;

  constructor(
    @Inject(KAFKA) private readonly kafka: KafkaClient,
    @Inject(CONFIG) config: NewsledgerConfig,
    @InjectDataSource() private readonly db: DataSource,
    registry: MetricsRegistry,
  ) {
    this.group = config.kafka.projectorGroupId;
    this.topic = config.kafka.topics.events;
    // The lag gauge reads 0 when a checkpoint is past the end of another log: this one says so.
    this.refusedGauge = new Gauge({
      name: 'newsledger_projector_log_refused',
      help: '1 while the projector refuses the log it is given (another cluster, a replaced topic, a checkpoint past the end, events removed before they were applied); /health names the reason',
      registers: [registry],
    });
  }

  /** The consumer's `admit`: checks the log in full; while it is refused, rechecks until it is not. */
  async admit(consumer: Consumer): Promise<boolean> {
    if (this.consumer !== consumer) consumer.onApplied((batch) => this.noteApplied(batch));
    this.consumer = consumer;
    this.admitted = false;
    try {
      this.admitted = (await this.check(true)) === undefined;
    } catch (e) {
      // Held, and checked again soon: a log that cannot be checked is not applied.
      this.logger.warn({ error: String(e) }, 'could not check the log; holding until it can be');
    } finally {
      this.schedule();
    }
    return this.admitted;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.anchoring;
    await this.identities.stopped(this.db.manager, this.group, this.topic).catch(() => undefined);
  }

  /** A partition's first batch applied from a log that passed the check anchors the views to that log. */
  private noteApplied(batch: LogBatch): void {
    const partition = String(batch.partition);
    if (!this.admitted || this.anchored.has(partition)) return;
    this.anchored.add(partition);
    const first = batch.messages[0];
    const anchor = { offset: first.offset, mark: messageMark(first.value) };
    this.anchoring = this.anchoring
      .then(() => this.identities.anchor(this.db.manager, this.group, this.topic, batch.partition, anchor))
      .catch((e: unknown) => {
        this.anchored.delete(partition);
        this.logger.warn({ partition, error: String(e) }, 'could not record the log anchor; the next batch tries again');
      });
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.recheck(), this.admitted ? RECHECK_OK_MS : RECHECK_REFUSED_MS);
    this.timer.unref();
  }

  private async recheck(): Promise<void> {
    try {
      const refusal = await this.check(true);
      if (this.admitted && refusal) {
        this.admitted = false;
        this.consumer?.hold();
      } else if (!this.admitted && !refusal) {
        this.admitted = true;
        await this.consumer?.release();
      }
    } catch (e) {
      this.logger.warn({ error: String(e) }, 'could not check the log; the last verdict stands');
    } finally {
      this.schedule();
    }
  }

  /** One check at a time: a join during a periodic check waits for it, then checks again. */
  private async check(full: boolean): Promise<LogRefusal | undefined> {
    while (this.running) await this.running.catch(() => undefined);
    const started = Date.now();
    this.running = this.runCheck(full);
    try {
      const refusal = await this.running;
      this.logger.debug({ full, ms: Date.now() - started, refused: refusal?.reason ?? null }, 'log checked');
      if (refusal && this.refusal?.message !== refusal.message) {
        this.logger.error({ reason: refusal.reason, details: refusal.details }, `projecting nothing: ${refusal.message}; ${refusal.action}`);
      } else if (!refusal && this.refusal) {
        this.logger.log('the log matches the views again; projecting');
      }
      this.refusal = refusal;
      this.refusedGauge.set(refusal ? 1 : 0);
      return refusal;
    } finally {
      this.running = undefined;
    }
  }

  private async runCheck(full: boolean): Promise<LogRefusal | undefined> {
    const facts = await readLogFacts(this.kafka, this.topic);
    const stored = await this.identities.load(this.db.manager, this.group, this.topic);
    const checkpoints = new Map(
      [...(await this.projection.checkpoints(this.db.manager, this.group, this.topic))].map(([p, o]) => [p, BigInt(o)] as const),
    );
    const identity = stored?.clusterId ? { clusterId: stored.clusterId, anchors: stored.anchors } : undefined;
    let refusal = judgeLog({ stored: identity, facts, checkpoints });
    let anchors: Record<string, LogAnchor> = { ...(stored?.anchors ?? {}) };
    if (!refusal && full) {
      // An anchor below the low watermark was removed after it was applied: the next batch sets another.
      anchors = Object.fromEntries(Object.entries(anchors).filter(([p, a]) => BigInt(a.offset) >= (facts.partitions.get(Number(p))?.low ?? 0n)));
      const marks = await readMarks(this.kafka, this.topic, new Map(Object.entries(anchors).map(([p, a]) => [Number(p), BigInt(a.offset)])), {
        groupPrefix: `${this.group}.log-identity`,
      });
      refusal = judgeLog({ stored: identity, facts, checkpoints, anchors: new Map(Object.entries(anchors).map(([p, a]) => [Number(p), a])), marks });
    }
    if (refusal) await this.identities.refuse(this.db.manager, this.group, this.topic, refusal);
    else await this.identities.accept(this.db.manager, this.group, this.topic, facts.clusterId, anchors);
    this.anchored = new Set(Object.keys(anchors));
    return refusal;
  }
}
