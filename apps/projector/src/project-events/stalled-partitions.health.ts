import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { HealthCheckContributor, ProgressWatch } from '@newsledger/http';
import { ProjectorMetrics } from '../projector.metrics';

/**
 * Turns the projector's `/health` into a 503 when a partition with messages to project has not
 * moved for `PROJECTOR_STALL_AFTER_MS`: its lag, and the last error this process met applying it.
 * The group's stored checkpoints are sampled, not this process's own batches, so a partition
 * another projector of the group holds is watched too. A poison message never stalls a partition
 * (it is dead-lettered); whatever else does (PostgreSQL refusing writes, a crashing consumer) is
 * seen here instead of behind a 200.
 */
@Injectable()
export class StalledPartitionsHealth implements HealthCheckContributor, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly watch: ProgressWatch<number>;
  private readonly lastErrors = new Map<number, { message: string; at: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly stallAfterMs: number;

  constructor(
    @Inject(CONFIG) config: NewsledgerConfig,
    private readonly metrics: ProjectorMetrics,
  ) {
    this.stallAfterMs = config.kafka.projectorStallAfterMs;
    this.watch = new ProgressWatch(this.stallAfterMs);
  }

  onApplicationBootstrap(): void {
    // A few samples per stall period, so a stall is named within a quarter of it.
    this.timer = setInterval(() => void this.sample().catch(() => undefined), Math.min(5000, this.stallAfterMs / 4));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Told by the projector when applying a partition's batch failed (it will be retried). */
  failed(partition: number, e: unknown): void {
    this.lastErrors.set(partition, { message: String((e as Error)?.message ?? e).slice(0, 500), at: Date.now() });
  }

  /** Told by the projector when a partition's batch committed. */
  applied(partition: number): void {
    this.lastErrors.delete(partition);
  }

  private async sample(now = Date.now()): Promise<void> {
    const lags = await this.metrics.readLag();
    this.watch.sample(new Map([...lags].map(([partition, { lag, checkpoint }]) => [partition, { position: String(checkpoint), lag }])), now);
  }

  async check(): Promise<HealthIndicatorResult> {
    const now = Date.now();
    const stalled = this.watch
      .stalled(now)
      .map(({ key: partition, lag, stalledForMs }) => ({ partition, lag, stalledForMs, lastError: this.lastErrors.get(partition)?.message ?? null }));
    if (stalled.length === 0) return { projection: { status: 'up' } };
    const named = stalled
      .map((s) => `partition ${s.partition} (lag ${s.lag}, no progress for ${Math.round(s.stalledForMs / 1000)} s${s.lastError ? `, last error: ${s.lastError}` : ''})`)
      .join(', ');
    return {
      projection: {
        status: 'down',
        message: `projection is stalled on ${named}; see the projector's log for the failing batch, fix what it names (PostgreSQL, Kafka, disk), and it resumes by itself`,
        stalled,
      },
    };
  }
}
