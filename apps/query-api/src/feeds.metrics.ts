import { Injectable } from '@nestjs/common';
import { MetricsRegistry } from '@newsledger/http';
import { Gauge } from 'prom-client';
import { StatusChangesFeed } from './follow-status-changes/status-changes.feed';

/** The feeds' metrics: SSE streams open in this process, and those still catching up. */
@Injectable()
export class FeedsMetrics {
  constructor(registry: MetricsRegistry, feed: StatusChangesFeed) {
    new Gauge({
      name: 'newsledger_feed_subscribers',
      help: 'Open Server-Sent Events streams of the status-change feed in this process',
      registers: [registry],
      collect() {
        this.set(feed.size);
      },
    });
    new Gauge({
      name: 'newsledger_feed_catching_up',
      help: 'Open Server-Sent Events streams of the status-change feed still reading their catch-up (the changes after their Last-Event-ID) from PostgreSQL',
      registers: [registry],
      collect() {
        this.set(feed.catchingUp);
      },
    });
  }
}
