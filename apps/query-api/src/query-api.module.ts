import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '@newsledger/auth';
import { EventLogModule } from '@newsledger/event-log';
import { ApiDocsModule, HEALTH_CHECKS, HealthModule, LoggingModule, MetricsModule, RateLimitModule } from '@newsledger/http';
import { LogIdentityHealth, PersistenceModule } from '@newsledger/persistence';
import { AuditModule } from './audit.module';
import { FeedsModule } from './feeds.module';
import { GetHistoryController } from './get-history/get-history.controller';
import { GetHistoryHandler } from './get-history/get-history.handler';
import { GetViewController } from './get-view/get-view.controller';
import { GetViewHandler } from './get-view/get-view.handler';
import { ExplainViewController } from './explain-view/explain-view.controller';
import { ExplainViewHandler } from './explain-view/explain-view.handler';
import { ListViewsController } from './list-views/list-views.controller';
import { ListViewsHandler } from './list-views/list-views.handler';
import { kafkaDesksProvider } from './manage-keys/kafka-desks.provider';
import { ManageKeysController } from './manage-keys/manage-keys.controller';
import { QueryApiExceptionFilter } from './query-api.exception-filter';
import { TimelinePageController } from './show-timeline/timeline-page.controller';

/** The read side: views, history and as-of replays straight from PostgreSQL. */
@Module({
  imports: [
    LoggingModule,
    // A read that runs away (or waits on a lock) answers 503 and frees its connection; the feed's reads are retried.
    PersistenceModule.forRoot({ statementTimeoutMs: (config) => config.database.queryStatementTimeoutMs }),
    EventLogModule,
    CqrsModule.forRoot(),
    // Before AuthModule: global guards run in import order, and requests are counted before keys are checked.
    RateLimitModule,
    AuthModule,
    HealthModule,
    MetricsModule,
    ApiDocsModule.register({
      api: 'query',
      combinedWith: 'ingest',
      title: 'newsledger query API',
      description:
        'Views, history, time travel, the status-change feed and webhooks, audit and key management. Errors are `{"error", "message", "details"?}`. The Kafka topics are described in docs/asyncapi.yaml.',
    }),
    FeedsModule,
    AuditModule,
  ],
  controllers: [ListViewsController, GetViewController, ExplainViewController, GetHistoryController, ManageKeysController, TimelinePageController],
  providers: [
    ListViewsHandler,
    GetViewHandler,
    ExplainViewHandler,
    GetHistoryHandler,
    kafkaDesksProvider,
    // 503 while the projector refuses its log: these views are then not the log's.
    LogIdentityHealth,
    { provide: HEALTH_CHECKS, useFactory: (log: LogIdentityHealth) => [log], inject: [LogIdentityHealth] },
    { provide: APP_FILTER, useClass: QueryApiExceptionFilter },
  ],
})
export class QueryApiModule {}
