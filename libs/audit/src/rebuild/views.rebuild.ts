import { fetchEndOffsets, KafkaClient, LogBatch, LogMessage, LogReader } from '@newsledger/event-log';
import { isDeterministicFailure, ProjectionStore, SubjectStateStore } from '@newsledger/persistence';
import { isolatePoison, projectMessages, storeLookups } from '@newsledger/projection';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, QueryRunner } from 'typeorm';
import { AuditError } from '../audit.error';
import { AuditJobsStore } from '../jobs/audit-jobs.store';
import { compareGenerations, GenerationComparison } from './generation.comparison';
import { gaveWay, Generations } from './generation.tables';
import { adoptionTarget, assertLogAccepted, beginAdoption, completeAdoption, LogAdoption } from './log.adoption';

/** Names the rebuild lock among advisory locks; the second key is the schema. */
const REBUILD_LOCK = 7_340_114;

/** Where a rebuild stands. */
export type RebuildPhase = 'preparing' | 'building' | 'switching' | 'done' | 'failed';

export interface RebuildOptions {
  /** The rebuild's id: the id of the job it runs for. */
  id: string;
  topic: string;
  /** The live projector's consumer group, whose checkpoints mark where the live views stand. */
  liveGroup: string;
  /** Attempt the switch once the new generation is at most this many messages behind. */
  switchLag: number;
  /** Longest the live projector is held for one switch attempt. */
  switchTimeoutMs: number;
  /** Longest the swap waits for running reads. */
  lockTimeoutMs: number;
  sessionTimeout?: number;
  /** Refuse to switch when the new generation differs from the live one (default: switch and report). */
  abortOnDifference?: boolean;
  /**
   * Adopt the log there now (`rebuild --adopt-log`): build from its start to its end instead of
   * to the live checkpoints, which belong to another log, then move the live checkpoints to that
   * end, record this log as the views' own and void the old log's report-id claims.
   * @defaultValue `false`
   */
  adoptLog?: boolean;
  /** Called at every step; the rebuild waits for it, so a progress write that fails stops it. */
  onProgress?: (p: RebuildProgress) => unknown;
}

export interface RebuildProgress {
  id: string;
  phase: RebuildPhase;
  applied: number;
  target: number;
}

export interface RebuildReport {
  id: string;
  topic: string;
  /** Log messages (events) applied to the new generation, rejected and duplicate ones included. */
  messagesApplied: number;
  /** Events in the new event index. */
  eventsIndexed: number;
  subjects: number;
  durationMs: number;
  /** From the start of reading to the successful switch attempt. */
  buildMs: number;
  /** messagesApplied per second of buildMs: how fast the log was applied. */
  eventsPerSecond: number;
  switchAttempts: number;
  /** How long the live projector was held by the successful switch. */
  projectorPausedMs: number;
  differences: GenerationComparison;
  /** Present when the rebuild adopted the log (`adoptLog`). */
  adopted?: LogAdoption;
}

class Switched extends Error {}

/**
 * Rebuilds every view from the start of the log without stopping the live ones.
 *
 * 1. A new generation of the tables ({@link Generations}) is created and filled from offset 0 by
 *    the projector's own batch step, with its own checkpoints, while the live tables keep serving.
 *    It never runs ahead of the live projector: each partition is read only up to the live
 *    checkpoint, so both can be compared at the same point of the log.
 * 2. Once it is close, one transaction locks the live checkpoint rows (the live projector waits at
 *    its next batch), lets the new generation reach exactly those positions, compares old and new
 *    ({@link compareGenerations}), swaps the tables and commits. Readers see the old tables, then
 *    the new ones; the swap waits at most `lockTimeoutMs` for running reads, else the attempt is retried.
 *
 * One rebuild per schema at a time (an advisory lock, released if the process dies; leftovers of a
 * dead rebuild are dropped by the next one).
 */
export class ViewsRebuild {
  private readonly shadowGroup: string;
  private readonly generations: Generations;
  private readonly projection: ProjectionStore;
  private readonly states: SubjectStateStore;
  private reader: LogReader | undefined;
  private switched = false;
  private cancelled = false;
  private crashed: unknown;
  private partitions: number[] = [];
  private phase: RebuildPhase = 'preparing';
  private messages = 0;
  /** With `adoptLog`: the log's cluster, and its end, the bound that replaces the live checkpoints. */
  private adoption: { clusterId: string; startedAt: Date; ends: Map<number, bigint> } | undefined;

  private constructor(
    private readonly db: DataSource,
    private readonly kafka: KafkaClient,
    private readonly lock: QueryRunner,
    schema: string,
    private readonly opts: RebuildOptions,
  ) {
    this.shadowGroup = `${opts.liveGroup}.rebuild.${opts.id}`;
    this.generations = new Generations(schema);
    const next = (t: string) => this.generations.next(t);
    this.projection = new ProjectionStore({ events: next('events'), views: next('views'), links: next('negotiation_exchanges') });
    this.states = new SubjectStateStore({ snapshots: next('snapshots'), events: next('events') });
  }

  get id(): string {
    return this.opts.id;
  }

  /**
   * Claims the schema's rebuild lock; {@link run} does the work.
   * @throws AuditError `rebuild_running` when another rebuild holds the lock.
   */
  static async begin(db: DataSource, kafka: KafkaClient, opts: RebuildOptions): Promise<ViewsRebuild> {
    const lock = db.createQueryRunner();
    await lock.connect();
    try {
      const [{ locked, schema }]: { locked: boolean; schema: string }[] = await lock.query(
        `SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS locked, current_schema() AS schema`,
        [REBUILD_LOCK],
      );
      if (!locked) {
        const running = await new AuditJobsStore(db).activeRebuild();
        throw new AuditError('rebuild_running', `rebuild ${running ?? '(starting)'} is running; follow it at /v1/admin/rebuild/${running ?? ''}`, {
          rebuildId: running,
        });
      }
      return new ViewsRebuild(db, kafka, lock, schema, opts);
    } catch (e) {
      await lock.query(`SELECT pg_advisory_unlock_all()`).catch(() => undefined);
      await lock.release();
      throw e;
    }
  }

  /** Builds, catches up, compares and switches; the lock is released whatever happens. */
  async run(): Promise<RebuildReport> {
    const started = Date.now();
    try {
      await this.prepare();
      const report = await this.buildAndSwitch(started);
      await this.stopReader();
      this.phase = 'done';
      await this.opts.onProgress?.({ id: this.id, phase: 'done', applied: this.messages, target: this.messages });
      return report;
    } catch (e) {
      await this.stopReader();
      await this.generations.dropNext(this.db).catch(() => undefined);
      this.phase = 'failed';
      throw e;
    } finally {
      await this.db.query(`DELETE FROM projector_offsets WHERE consumer_group = $1`, [this.shadowGroup]).catch(() => undefined);
      await this.lock.query(`SELECT pg_advisory_unlock_all()`).catch(() => undefined);
      await this.lock.release();
    }
  }

  /** Stops the rebuild at its next step; `run` then fails with `rebuild_cancelled` and drops the new generation. */
  cancel(): void {
    this.cancelled = true;
  }

  private async prepare(): Promise<void> {
    if (this.opts.adoptLog) {
      const begun = await beginAdoption(this.db, this.kafka, this.opts.liveGroup, this.opts.topic);
      this.adoption = { ...begun, ends: await adoptionTarget(this.kafka, this.opts.topic) };
    } else {
      await assertLogAccepted(this.db, this.opts.liveGroup, this.opts.topic);
    }
    this.partitions = [...(await fetchEndOffsets(this.kafka, this.opts.topic)).keys()].sort((a, b) => a - b);
    await this.generations.createNext(this.db);
    await this.db.query(`DELETE FROM projector_offsets WHERE starts_with(consumer_group, $1)`, [`${this.opts.liveGroup}.rebuild.`]);
    await this.ensureLiveCheckpoints(this.db);
  }

  /** Checkpoint rows for every partition, so locking them pauses the projector on every partition. */
  private async ensureLiveCheckpoints(q: Pick<DataSource, 'query'>): Promise<void> {
    await q.query(
      `INSERT INTO projector_offsets (consumer_group, topic, partition, next_offset)
       SELECT $1, $2, p, 0 FROM unnest($3::int[]) AS p ON CONFLICT DO NOTHING`,
      [this.opts.liveGroup, this.opts.topic, this.partitions],
    );
  }

  /** How far the new generation may go: the live checkpoints, or the adopted log's end. */
  private async bounds(): Promise<Map<number, bigint>> {
    return this.adoption?.ends ?? this.checkpoints(this.opts.liveGroup);
  }

  private async checkpoints(group: string): Promise<Map<number, bigint>> {
    const rows: { partition: number; next_offset: string }[] = await this.db.query(
      `SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`,
      [group, this.opts.topic],
    );
    return new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
  }

  private async buildAndSwitch(started: number): Promise<RebuildReport> {
    this.phase = 'building';
    this.reader = new LogReader(this.kafka, this.opts.topic, { groupPrefix: `${this.opts.liveGroup}.rebuild`, sessionTimeout: this.opts.sessionTimeout });
    await this.reader.start({
      startOffsets: async () => new Map([...(await this.checkpoints(this.shadowGroup))].map(([p, o]) => [p, o.toString()])),
      onBatch: (batch) => this.applyToNext(batch),
      onCrash: (e) => {
        this.crashed = e;
      },
    });
    let attempts = 0;
    for (;;) {
      this.assertRunning();
      const live = await this.bounds();
      const next = await this.checkpoints(this.shadowGroup);
      this.resumeBehind(live, next);
      const applied = sum(next);
      const target = sum(live);
      await this.report(applied, target);
      if (target - applied <= this.opts.switchLag) {
        attempts += 1;
        const switchedAt = await this.trySwitch();
        if (switchedAt) {
          const buildMs = Math.max(1, switchedAt.startedAt - started);
          const counts: { events: number; subjects: number }[] = await this.db.query(
            `SELECT (SELECT count(*)::int FROM events) AS events, (SELECT count(*)::int FROM views) AS subjects`,
          );
          return {
            id: this.id,
            topic: this.opts.topic,
            messagesApplied: this.messages,
            eventsIndexed: counts[0].events,
            subjects: counts[0].subjects,
            durationMs: Date.now() - started,
            buildMs,
            eventsPerSecond: Math.round((this.messages / buildMs) * 1000),
            switchAttempts: attempts,
            projectorPausedMs: switchedAt.pausedMs,
            differences: switchedAt.comparison,
            ...(switchedAt.adopted ? { adopted: switchedAt.adopted } : {}),
          };
        }
      }
      await sleep(100);
    }
  }

  private assertRunning(): void {
    if (this.cancelled) throw new AuditError('rebuild_cancelled', `rebuild ${this.id} was cancelled; nothing was switched`, { rebuildId: this.id });
    if (this.crashed !== undefined) {
      const cause = String((this.crashed as Error).message ?? this.crashed);
      throw new AuditError('log_unreadable', `reading the log failed: ${cause}; nothing was switched, start the rebuild again`, { cause });
    }
  }

  /** Partitions held at the live position are read again once the live projector has moved on. */
  private resumeBehind(live: Map<number, bigint>, next: Map<number, bigint>): void {
    const behind = (this.reader?.paused() ?? []).filter((p) => (live.get(p) ?? 0n) > (next.get(p) ?? 0n));
    this.reader?.resume(behind);
  }

  private async report(applied: number, target: number): Promise<void> {
    await this.opts.onProgress?.({ id: this.id, phase: this.phase, applied, target });
  }

  /**
   * Applies a batch to the new generation, never past the live checkpoint; returns how many messages
   * it took. A batch the database refuses for what it holds is applied by halves, as the live
   * projector does, and the message(s) responsible are passed over (the live projector
   * dead-lettered them when it met them), so the new generation holds what the live one holds.
   */
  private async applyToNext(batch: LogBatch): Promise<number> {
    if (this.switched || this.cancelled) return 0;
    const bound = (await this.bounds()).get(batch.partition) ?? 0n;
    const within = batch.messages.filter((message) => BigInt(message.offset) < bound);
    if (within.length === 0) return 0;
    try {
      try {
        await this.applyWithin(batch, within);
      } catch (e) {
        if (!isDeterministicFailure(e)) throw e;
        await isolatePoison(within, {
          apply: (messages) => this.applyWithin(batch, messages),
          isPoison: isDeterministicFailure,
          setAside: (message) => this.passOver(batch, message),
        });
      }
      return within.length;
    } catch (e) {
      if (e instanceof Switched) return 0;
      throw e;
    }
  }

  /** Applies the messages not applied yet, in one transaction with the new generation's checkpoint. */
  private async applyWithin(batch: LogBatch, messages: readonly LogMessage[]): Promise<void> {
    await this.db.transaction(async (m) => {
      const next = await this.projection.lockCheckpoint(m, this.shadowGroup, batch.topic, batch.partition);
      // The switch sets this before it commits, and holds these rows until then.
      if (this.switched) throw new Switched();
      const fresh = messages.filter((message) => BigInt(message.offset) >= next);
      if (fresh.length === 0) return;
      const out = await projectMessages(fresh, storeLookups(m, this.projection, this.states), { partitions: this.partitions.length });
      await this.projection.writeBatch(m, {
        ...out,
        // The new generation has no feed: its status changes are those the live one already published.
        changes: undefined,
        checkpoints: { group: this.shadowGroup, topic: batch.topic, next: new Map([[batch.partition, BigInt(fresh[fresh.length - 1].offset) + 1n]]) },
      });
      this.messages += fresh.length;
    });
  }

  /** Moves the new generation's checkpoint past a message the database refuses even alone. */
  private async passOver(batch: LogBatch, message: LogMessage): Promise<void> {
    await this.db.transaction(async (m) => {
      const next = await this.projection.lockCheckpoint(m, this.shadowGroup, batch.topic, batch.partition);
      if (this.switched) throw new Switched();
      if (BigInt(message.offset) < next) return;
      await this.projection.passCheckpoint(m, this.shadowGroup, batch.topic, batch.partition, message.offset);
      this.messages += 1;
    });
  }

  /** One switch attempt; undefined when it timed out and the build should go on. */
  private async trySwitch(): Promise<{ startedAt: number; pausedMs: number; comparison: GenerationComparison; adopted?: LogAdoption } | undefined> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    const startedAt = Date.now();
    try {
      await runner.startTransaction();
      await this.ensureLiveCheckpoints(runner);
      // From here until commit the live projector waits at the start of its next batch.
      const rows: { partition: number; next_offset: string }[] = await runner.query(
        `SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2 ORDER BY partition FOR UPDATE`,
        [this.opts.liveGroup, this.opts.topic],
      );
      let live = new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
      // Adopting: the end read now, with the projector held, is where it will go on from.
      if (this.adoption) live = this.adoption.ends = await adoptionTarget(this.kafka, this.opts.topic);
      const deadline = Date.now() + this.opts.switchTimeoutMs;
      for (;;) {
        this.assertRunning();
        const next = await this.checkpoints(this.shadowGroup);
        await this.report(sum(next), sum(live));
        if ([...live].every(([p, o]) => (next.get(p) ?? 0n) >= o)) break;
        if (Date.now() > deadline) {
          await runner.rollbackTransaction();
          return undefined;
        }
        this.resumeBehind(live, next);
        await sleep(20);
      }
      this.phase = 'switching';
      await this.report(sum(live), sum(live));
      const comparison = await compareGenerations(runner, this.generations);
      const total = comparison.views + comparison.events + comparison.links;
      if (total > 0 && this.opts.abortOnDifference) {
        throw new AuditError('rebuild_differs', `the rebuilt views differ from the live ones in ${total} places; nothing was switched`, { differences: total });
      }
      // Rows first, then tables: a batch of the new generation in flight finishes before the swap locks its tables.
      await runner.query(`DELETE FROM projector_offsets WHERE consumer_group = $1`, [this.shadowGroup]);
      await this.generations.swap(runner, this.opts.lockTimeoutMs);
      // After the swap: claims are voided against the event index of the adopted log.
      const adopted = this.adoption
        ? await completeAdoption(runner, { group: this.opts.liveGroup, topic: this.opts.topic, ...this.adoption })
        : undefined;
      this.switched = true;
      await runner.commitTransaction();
      return { startedAt, pausedMs: Date.now() - startedAt, comparison, adopted };
    } catch (e) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      // The swap gave way to readers: try again at the next attempt.
      if (!this.switched && gaveWay(e)) {
        this.phase = 'building';
        return undefined;
      }
      throw e;
    } finally {
      await runner.release();
    }
  }

  private async stopReader(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    await reader?.stop().catch(() => undefined);
  }
}

function sum(offsets: Map<number, bigint>): number {
  let total = 0n;
  for (const o of offsets.values()) total += o;
  return Number(total);
}
