import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { StatusChangesPublished } from '../follow-status-changes/status-changes-published.event';
import { WebhookDispatcher } from './webhook.dispatcher';

/** New changes reached this process: queue and deliver them now rather than at the next poll. */
@EventsHandler(StatusChangesPublished)
export class WakeWebhooksHandler implements IEventHandler<StatusChangesPublished> {
  constructor(private readonly dispatcher: WebhookDispatcher) {}

  handle(): void {
    this.dispatcher.changesArrived();
  }
}
