import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@newsledger/auth';
import { EventLogModule } from '@newsledger/event-log';
import { HEALTH_CHECKS, HealthModule, HttpErrorFilter, LoggingModule, MetricsModule, RateLimitModule } from '@newsledger/http';
import { LogIdentityHealth, PersistenceModule } from '@newsledger/persistence';
import { WebhookDispatcher } from './deliver-webhooks/webhook.dispatcher';
import { WebhookMetrics } from './deliver-webhooks/webhook.metrics';
import { EventsProjector } from './project-events/events.projector';
import { LogIdentityGuard } from './project-events/log-identity.guard';
import { StalledPartitionsHealth } from './project-events/stalled-partitions.health';
import { ProjectorMetrics } from './projector.metrics';
import { StatusChangesRelay } from './relay-status-changes/status-changes.relay';
import { AuditJobsWorker } from './run-audit-jobs/audit-jobs.worker';
import { SnapshotsTaker } from './take-snapshots/snapshots.taker';
import { ViewsUpgrader } from './upgrade-views/views.upgrader';

/**
 * The projector process, where all background work lives: Kafka in, views out; the relay of the
 * status-change outbox; the snapshots reads replay from; webhook deliveries; and the rebuild and
 * verify jobs the query API records. Its HTTP port (METRICS_PORT) serves only `/metrics` (scope
 * `metrics`) and `/health`.
 */
@Module({
  imports: [
    LoggingModule,
    PersistenceModule.forRoot(),
    EventLogModule,
    // Before AuthModule: global guards run in import order, and requests are counted before keys are checked.
    RateLimitModule,
    AuthModule,
    HealthModule,
    MetricsModule,
  ],
  providers: [
    EventsProjector,
    StatusChangesRelay,
    SnapshotsTaker,
    ViewsUpgrader,
    WebhookDispatcher,
    WebhookMetrics,
    AuditJobsWorker,
    ProjectorMetrics,
    StalledPartitionsHealth,
    LogIdentityGuard,
    LogIdentityHealth,
    {
      provide: HEALTH_CHECKS,
      useFactory: (stalls: StalledPartitionsHealth, log: LogIdentityHealth) => [stalls, log],
      inject: [StalledPartitionsHealth, LogIdentityHealth],
    },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class ProjectorModule {}
