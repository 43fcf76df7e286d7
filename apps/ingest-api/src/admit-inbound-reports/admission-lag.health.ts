import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { deskTopics, GroupLagReader, KAFKA, KafkaClient } from '@newsledger/event-log';
import { HealthCheckContributor, MetricsRegistry, ProgressWatch } from '@newsledger/http';
import { Gauge } from 'prom-client';
import { KafkaDesksRepository } from './kafka-desks.repository';

/** A partition of a desk's inbound topic. */
type DeskPartition = `${string}\t${number}`;

const deskOf = (key: DeskPartition): string => key.split('\t')[0];

/**
 * What the desks publishing on Kafka wait for: the admission group's lag on each active desk's
 * inbound topic, sampled every few seconds whether or not this ingest API admits (an instance with
 * `INBOUND_ADMISSION=off` still sees desks nobody admits). On `GET /health` it names the desks
 * with reports waiting and those stalled (waiting, with no progress for `INBOUND_STALL_AFTER_MS`),
 * with the last error met admitting them; `newsledger_admission_lag` has the same per desk. Lags
 * and stalls are as of the last sample taken (`sampledAt`), never lengthened past it: while one
 * cannot be taken (`unread` says why) or is still being read, no stall grows from what was not seen.
 *
 * A stall stays `up`: this ingest API still records what comes over HTTP, and a 503 from every
 * instance of the fleet for one desk's topic would take HTTP ingest down with it. Alert on the
 * gauge (or the `stalled` list) instead.
 */
@Injectable()
export class AdmissionLagHealth implements HealthCheckContributor, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('admission');
  private readonly reader: GroupLagReader;
  private readonly watch: ProgressWatch<DeskPartition>;
  private readonly lastErrors = new Map<string, string>();
  private readonly gauge: Gauge<'desk'>;
  private readonly prefix: string;
  private readonly stallAfterMs: number;
  /** Why the last sample could not be taken, if it could not. */
  private unread: string | undefined;
  /** When the last sample that could be taken was (epoch ms). */
  private sampledAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The sample being taken, if any: shutdown waits for it before closing the admin client it may reopen. */
  private sampling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(KAFKA) kafka: KafkaClient,
    @Inject(CONFIG) config: NewsledgerConfig,
    private readonly desks: KafkaDesksRepository,
    registry: MetricsRegistry,
  ) {
    this.prefix = config.kafka.inbound.prefix;
    this.stallAfterMs = config.kafka.inbound.stallAfterMs;
    this.reader = new GroupLagReader(kafka, config.kafka.inbound.groupId);
    this.watch = new ProgressWatch(this.stallAfterMs);
    this.gauge = new Gauge({
      name: 'newsledger_admission_lag',
      help: "Reports a desk published on its Kafka inbound topic that the admission has not yet read, per desk: the topic's end offsets minus the admission group's committed offsets (no series while they cannot be read)",
      labelNames: ['desk'],
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    // A few samples per stall period, so a stall is named within a quarter of it.
    this.timer = setInterval(() => void this.sample(), Math.min(5000, this.stallAfterMs / 4));
    this.timer.unref();
    void this.sample();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.sampling;
    await this.reader.close();
  }

  /** Told by the admission when a desk's batch could not be admitted (it is read again). */
  failed(desk: string, e: unknown): void {
    this.lastErrors.set(desk, String((e as Error)?.message ?? e).slice(0, 500));
  }

  /** Told by the admission when a desk's batch was admitted or refused, all of it. */
  admitted(desk: string): void {
    this.lastErrors.delete(desk);
  }

  /** Reads the group's lag on every active desk's topic now (unless a sample is under way). */
  sample(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return (this.sampling ??= this.read().finally(() => (this.sampling = undefined)));
  }

  private async read(): Promise<void> {
    const now = Date.now();
    try {
      const names = await this.desks.activeNames();
      const lags = await this.reader.read(names.map((name) => deskTopics(this.prefix, name).inbound));
      this.watch.sample(new Map(lags.map((l) => [`${l.topic.slice(this.prefix.length)}\t${l.partition}` as DeskPartition, { position: l.next, lag: l.lag }])), now);
      this.gauge.reset();
      for (const [desk, lag] of this.byDesk()) this.gauge.set({ desk }, lag);
      this.unread = undefined;
      this.sampledAt = now;
    } catch (e) {
      // No series rather than a stale one: an alert on absent() fires while Kafka or PostgreSQL is away.
      this.gauge.reset();
      if (this.unread === undefined) this.logger.warn({ err: e }, 'could not read the desks\' inbound lag; trying again at the next sample');
      this.unread = (e as Error).message;
    }
  }

  async check(): Promise<HealthIndicatorResult> {
    // As of the last sample, stalls included: progress that could not be seen is not taken for none.
    const sampled = this.sampledAt ?? Date.now();
    const waiting = [...this.byDesk()].filter(([, lag]) => lag > 0).map(([desk, lag]) => ({ desk, lag }));
    const stalled = new Map<string, { desk: string; lag: number; stalledForMs: number; lastError: string | null }>();
    for (const { key, lag, stalledForMs } of this.watch.stalled(sampled)) {
      const desk = deskOf(key);
      const seen = stalled.get(desk);
      stalled.set(desk, { desk, lag: (seen?.lag ?? 0) + lag, stalledForMs: Math.max(seen?.stalledForMs ?? 0, stalledForMs), lastError: this.lastErrors.get(desk) ?? null });
    }
    const admission: { status: 'up' } & Record<string, unknown> = { status: 'up', waiting, stalled: [...stalled.values()] };
    if (this.sampledAt !== undefined) admission.sampledAt = new Date(this.sampledAt).toISOString();
    if (this.unread !== undefined) admission.unread = this.unread;
    if (stalled.size > 0) {
      const named = [...stalled.values()]
        .map((s) => `desk ${s.desk} (lag ${s.lag}, no progress for ${Math.round(s.stalledForMs / 1000)} s${s.lastError ? `, last error: ${s.lastError}` : ''})`)
        .join(', ');
      const asOf = this.unread !== undefined ? ` as of ${admission.sampledAt}, the last time its lag could be read (it cannot now: ${this.unread})` : '';
      admission.message = `admission is stalled on ${named}${asOf}; see the ingest API's log for the failing batch; HTTP ingest is not affected`;
    }
    return { admission };
  }

  /** The latest lag of each desk, over its topic's partitions. */
  private byDesk(): Map<string, number> {
    const lags = new Map<string, number>();
    for (const [key, { lag }] of this.watch.latest()) {
      const desk = deskOf(key);
      lags.set(desk, (lags.get(desk) ?? 0) + lag);
    }
    return lags;
  }
}
