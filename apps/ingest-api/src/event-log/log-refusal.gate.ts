import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult } from '@nestjs/terminus';
import { KAFKA, KafkaClient, readClusterId } from '@newsledger/event-log';
import { HealthCheckContributor } from '@newsledger/http';
import { LogIdentityHealth } from '@newsledger/persistence';

/** How long a verdict is reused: one query per interval, not per report. */
const VERDICT_TTL_MS = 2000;
/** How long the cluster id the brokers answer with is reused. */
const CLUSTER_TTL_MS = 30_000;

/** The log this API appends to is not the views' log; nothing was appended. */
export class LogRefusedError extends Error {
  readonly code = 'log_refused' as const;
}

/**
 * Refuses reports while the log this API appends to is not the one the views and the id claims
 * belong to: brokers of another Kafka cluster than the views' (seen here, before any projector
 * runs there), or a log the projector refuses (a replaced topic, a checkpoint past its end). The
 * claims would otherwise answer "duplicate" for a report that log never received, and its sender
 * would not send it again. Refused with 503 and `Retry-After`; reports are taken again once the
 * apps point back at their log, or the log is adopted (`newsledger rebuild --adopt-log`, which
 * voids the old log's claims). Also this API's `/health` check (`log`).
 */
@Injectable()
export class LogRefusalGate implements HealthCheckContributor {
  private verdict: { at: number; refused?: { reason: string; message: string } } | undefined;
  private reading: Promise<void> | undefined;
  private cluster: { at: number; id: string } | undefined;

  constructor(
    private readonly identity: LogIdentityHealth,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
  ) {}

  /** @throws LogRefusedError while the log is not the views' */
  async assertOpen(): Promise<void> {
    const refused = (await this.current()).refused;
    if (refused) throw new LogRefusedError(`${refused.message}; nothing was appended, send the report again once that is done`);
  }

  async check(): Promise<HealthIndicatorResult> {
    const refused = (await this.current()).refused;
    return refused ? { log: { status: 'down', reason: refused.reason, message: `reports are refused: ${refused.message}` } } : { log: { status: 'up' } };
  }

  private async current(): Promise<NonNullable<LogRefusalGate['verdict']>> {
    if (!this.verdict || Date.now() - this.verdict.at > VERDICT_TTL_MS) {
      this.reading ??= this.read().finally(() => (this.reading = undefined));
      await this.reading;
    }
    return this.verdict!;
  }

  private async read(): Promise<void> {
    const identity = await this.identity.identity();
    if (!identity) {
      // PostgreSQL away: the claim that follows says so (503 database_unavailable).
      this.verdict = { at: Date.now() };
      return;
    }
    const { row } = identity;
    if (row?.refusal) {
      const r = row.refusal;
      this.verdict = { at: Date.now(), refused: { reason: r.reason, message: `the projector refuses the log this API appends to (${r.reason}): ${r.message}; ${r.action}` } };
      return;
    }
    const clusterId = row?.clusterId ? await this.clusterId().catch(() => undefined) : undefined;
    this.verdict =
      row?.clusterId && clusterId && clusterId !== row.clusterId
        ? {
            at: Date.now(),
            refused: {
              reason: 'other_cluster',
              message: `the views and report ids belong to Kafka cluster ${row.clusterId}, but this API's brokers are cluster ${clusterId}; point KAFKA_BROKERS back at the views' cluster, or run \`newsledger rebuild --adopt-log\` to adopt this one`,
            },
          }
        : { at: Date.now() };
  }

  private async clusterId(): Promise<string> {
    if (!this.cluster || Date.now() - this.cluster.at > CLUSTER_TTL_MS) this.cluster = { at: Date.now(), id: await readClusterId(this.kafka) };
    return this.cluster.id;
  }
}
