import { Module } from '@nestjs/common';
import { FeedsMetrics } from './feeds.metrics';
import { FollowStatusChangesController } from './follow-status-changes/follow-status-changes.controller';
import { StatusChangesFeed } from './follow-status-changes/status-changes.feed';
import { StatusChangesStore } from './follow-status-changes/status-changes.store';
import { StatusChangesTail } from './follow-status-changes/status-changes.tail';
import { SubscriptionsController } from './manage-subscriptions/subscriptions.controller';
import { SubscriptionsRepository } from './manage-subscriptions/subscriptions.repository';

/**
 * The status-change feeds of the query API: the topic followed into the EventBus, SSE streams,
 * and the webhook subscriptions (the projector delivers them). Config, Kafka, PostgreSQL and the
 * CQRS buses come from the global modules.
 */
@Module({
  controllers: [FollowStatusChangesController, SubscriptionsController],
  providers: [StatusChangesStore, StatusChangesTail, StatusChangesFeed, SubscriptionsRepository, FeedsMetrics],
})
export class FeedsModule {}
