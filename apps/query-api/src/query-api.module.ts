import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '@newsledger/auth';
import { ConfigModule } from '@newsledger/config';
import { EventLogModule } from '@newsledger/event-log';
import { HealthModule, LoggingModule, RateLimitModule } from '@newsledger/http';
import { PersistenceModule } from '@newsledger/persistence';
import { AuditModule } from './audit.module';
import { FeedsModule } from './feeds.module';
import { GetHistoryHandler } from './get-history/get-history.handler';
import { GetViewHandler } from './get-view/get-view.handler';
import { ListViewsHandler } from './list-views/list-views.handler';
import { ManageKeysController } from './manage-keys/manage-keys.controller';
import { QueryApiExceptionFilter } from './query-api.exception-filter';
import { SubjectsController } from './subjects.controller';

/** The read side: views, history and as-of replays straight from PostgreSQL. */
@Module({
  imports: [ConfigModule, LoggingModule, PersistenceModule.forRoot(), EventLogModule, CqrsModule.forRoot(), AuthModule, RateLimitModule, HealthModule, FeedsModule, AuditModule],
  controllers: [SubjectsController, ManageKeysController],
  providers: [ListViewsHandler, GetViewHandler, GetHistoryHandler, { provide: APP_FILTER, useClass: QueryApiExceptionFilter }],
})
export class QueryApiModule {}
