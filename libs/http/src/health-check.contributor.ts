import { HealthIndicatorResult } from '@nestjs/terminus';

/**
 * A check an app adds to its `GET /health` beside PostgreSQL and Kafka (e.g. the projector's
 * stalled partitions): provide an array of them under {@link HEALTH_CHECKS} in any module.
 * `down` results turn the answer into a 503 that carries their `message`.
 */
export interface HealthCheckContributor {
  check(): Promise<HealthIndicatorResult>;
}

/** Injection token: `HealthCheckContributor[]`. */
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
