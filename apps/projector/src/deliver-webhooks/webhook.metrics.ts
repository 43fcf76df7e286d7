import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@newsledger/http';
import { Counter } from 'prom-client';

/** How one webhook attempt ended: `failed` will be retried, `gave_up` disabled the subscription. */
export type WebhookOutcome = 'delivered' | 'failed' | 'gave_up';

/** The webhook attempts this process made. */
@Injectable()
export class WebhookMetrics {
  private readonly attempts: Counter<'outcome'>;

  constructor(registry: MetricsRegistry) {
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
