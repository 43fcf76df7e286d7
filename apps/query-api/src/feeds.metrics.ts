import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@newsledger/http';
import { Counter, Gauge } from 'prom-client';
import { StatusChangesFeed } from './follow-status-changes/status-changes.feed';

/** How one webhook attempt ended: `failed` will be retried, `gave_up` disabled the subscription. */
export type WebhookOutcome = 'delivered' | 'failed' | 'gave_up';

/** The feeds' metrics: SSE streams open in this process and webhook attempts it made. */
@Injectable()
export class FeedsMetrics {
  private readonly attempts: Counter<'outcome'>;

  constructor(registry: MetricsRegistry, feed: StatusChangesFeed) {
    new Gauge({
      name: 'newsledger_feed_subscribers',
      help: 'Open Server-Sent Events streams of the status-change feed in this process',
      registers: [registry],
      collect() {
        this.set(feed.size);
      },
    });
    this.attempts = new Counter({
      name: 'newsledger_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: delivered (2xx), failed (retried later), gave_up (the last failure; the subscription is disabled)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    // Zero from the start, so an alert on the failure rate has a series before the first failure.
    for (const outcome of ['delivered', 'failed', 'gave_up'] as const) this.attempts.inc({ outcome }, 0);
  }

  webhookAttempt(outcome: WebhookOutcome): void {
    this.attempts.inc({ outcome });
  }
}
