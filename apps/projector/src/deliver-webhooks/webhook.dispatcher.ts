import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { StatusChangeColumns, statusChangeJson, statusChangeOfColumns } from '@newsledger/event-log';
import { PollLoop, STATUS_CHANGES_CHANNEL } from '@newsledger/persistence';
import { afterFailure, AttemptResult, postWebhook, SIGNATURE_HEADER, signWebhook } from '@newsledger/webhooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { WebhookMetrics } from './webhook.metrics';

interface Claimed extends StatusChangeColumns {
  subscription_id: string;
  seq: string;
  attempts: number;
  elapsed_ms: number;
  url: string;
  secret: string;
}

const ENQUEUE_WINDOW = 1000;

/**
 * Delivers the feed to webhook subscriptions, from PostgreSQL (durable whatever this process
 * misses). Every projector process takes part; no leader:
 *
 * - enqueue: each subscription's cursor walks the outbox and queues the changes its filter passes;
 * - deliver: only the oldest pending delivery of each (subscription, subject) is eligible, and a
 *   worker leases it before sending, so a subject's change n+1 never goes out before n succeeded;
 * - a failed attempt is retried with backoff and jitter for the retry period, then the delivery
 *   fails and the subscription is disabled with the reason.
 *
 * Woken by the projector's NOTIFY when changes are committed (if anyone subscribes) and whenever
 * a delivery ends; polls as a fallback.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('webhooks');
  private readonly topic: string;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loop = new PollLoop();
  private woken = false;
  /** Active subscriptions of the feed at the last round: none, and new changes need no round. */
  private active = 0;
  /** The connection LISTENing for new changes; replaced after it breaks. */
  private listener: { client: Client; broken: boolean } | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly metrics: WebhookMetrics,
  ) {
    this.topic = config.kafka.topics.statusChanges;
  }

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onModuleDestroy(): Promise<void> {
    this.woken = true;
    await this.loop.stop();
    await Promise.all(this.inFlight);
    await this.listener?.client.end().catch(() => undefined);
    this.listener = undefined;
  }

  /** New changes were committed: queue and deliver them now, if anyone subscribes. */
  changesArrived(): void {
    if (this.active > 0) this.wake();
  }

  /** Something may be due: run a round now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.loop.wake();
  }

  private async run(): Promise<void> {
    while (this.loop.running) {
      this.woken = false;
      try {
        await this.listen();
        await this.enqueue();
        const free = this.config.webhooks.concurrency - this.inFlight.size;
        if (free > 0 && this.active > 0) for (const d of await this.claim(free)) this.track(this.deliver(d));
      } catch (e) {
        this.logger.warn(`webhook round failed: ${String(e)}`);
      }
      if (!this.woken && this.loop.running) await this.loop.pause(this.config.webhooks.pollMs);
    }
  }

  /**
   * LISTENs for the projector's notifications of new changes, on a connection outside the pool (it
   * is held for good, and the pool's connections are the projector's).
   */
  private async listen(): Promise<void> {
    if (this.listener && !this.listener.broken) return;
    await this.listener?.client.end().catch(() => undefined);
    this.listener = undefined;
    const client = new Client({ connectionString: this.config.database.url });
    const listener = { client, broken: false };
    // A broken connection is replaced at the next round; this only keeps the error from being unhandled.
    client.on('error', (e) => {
      listener.broken = true;
      this.logger.warn(`webhook notification connection: ${e.message}`);
    });
    client.on('end', () => (listener.broken = true));
    client.on('notification', (n) => {
      if (n.payload === this.topic) this.changesArrived();
    });
    this.listener = listener;
    try {
      await client.connect();
      await client.query(`LISTEN ${STATUS_CHANGES_CHANNEL}`);
    } catch (e) {
      listener.broken = true;
      throw e;
    }
  }

  /**
   * Keeps a delivery in flight until it ends. Nobody awaits it, so whatever it throws is caught
   * here: an unhandled rejection would end the process, and every delivery of every subscriber with it.
   */
  private track(delivery: Promise<void>): void {
    const p = delivery.catch((e: unknown) => this.logger.error({ err: e }, 'a webhook delivery failed unexpectedly; its lease expires and it is retried'));
    this.inFlight.add(p);
    void p.finally(() => {
      this.inFlight.delete(p);
      this.wake();
    });
  }

  /** Queues, per active subscription, the changes after its cursor that its filter passes. */
  private async enqueue(): Promise<void> {
    const [{ last, active }]: { last: string; active: number }[] = await this.db.query(
      `SELECT (SELECT coalesce(max(seq), 0) FROM status_changes WHERE topic = $1) AS last,
              (SELECT count(*)::int FROM webhook_subscriptions WHERE topic = $1 AND disabled_at IS NULL) AS active`,
      [this.topic],
    );
    this.active = active;
    if (active === 0) return;
    // A SELECT over the data-modifying CTEs, so the rows come back as rows (TypeORM hands an
    // UPDATE's result back as [rows, count]).
    for (;;) {
      const moved: unknown[] = await this.db.query(
        `WITH subs AS (
           SELECT id, filter, cursor_seq FROM webhook_subscriptions
           WHERE topic = $1 AND disabled_at IS NULL AND cursor_seq < $2
           ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED
         ), w AS (
           SELECT s.id AS sub, s.filter, c.seq, c.id AS change_id, c.subject, c.kind, c.field
           FROM subs s CROSS JOIN LATERAL (
             SELECT seq, id, subject, kind, field FROM status_changes
             WHERE topic = $1 AND seq > s.cursor_seq AND seq <= $2 ORDER BY seq LIMIT $3
           ) c
         ), queued AS (
           INSERT INTO webhook_deliveries (subscription_id, seq, change_id, subject)
           SELECT sub, seq, change_id, subject FROM w
           WHERE (filter->'subject' IS NULL OR filter->'subject' ? subject)
             AND (filter->'kind' IS NULL OR filter->'kind' ? kind)
             AND (filter->'field' IS NULL OR filter->'field' ? field)
           ON CONFLICT DO NOTHING
         ), moved AS (
           UPDATE webhook_subscriptions u SET cursor_seq = m.top
           FROM (SELECT sub, max(seq) AS top FROM w GROUP BY sub) m WHERE u.id = m.sub
           RETURNING u.id
         )
         SELECT id FROM moved`,
        [this.topic, last, ENQUEUE_WINDOW],
      );
      if (moved.length === 0) return;
    }
  }

  /** Leases up to `limit` due deliveries, each the oldest pending one of its subscription and subject. */
  private async claim(limit: number): Promise<Claimed[]> {
    const leaseMs = this.config.webhooks.timeoutMs * 2 + 5000;
    return this.db.query(
      `WITH heads AS (
         SELECT DISTINCT ON (d.subscription_id, d.subject) d.subscription_id, d.seq, d.next_attempt_at, d.leased_until
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
         WHERE s.topic = $1 AND s.disabled_at IS NULL AND d.state = 'pending'
         ORDER BY d.subscription_id, d.subject, d.seq
       ), due AS (
         SELECT subscription_id, seq FROM heads
         WHERE next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
         ORDER BY next_attempt_at, seq LIMIT $2
       ), claimed AS (
         UPDATE webhook_deliveries d
         SET leased_until = now() + make_interval(secs => $3::double precision / 1000),
             first_attempt_at = coalesce(d.first_attempt_at, now())
         FROM due
         WHERE d.subscription_id = due.subscription_id AND d.seq = due.seq
           AND d.state = 'pending' AND (d.leased_until IS NULL OR d.leased_until < now())
         RETURNING d.subscription_id, d.seq, d.attempts, d.first_attempt_at
       )
       SELECT c.subscription_id, c.seq, c.attempts, extract(epoch FROM now() - c.first_attempt_at) * 1000 AS elapsed_ms,
              s.url, s.secret, x.id, x.subject, x.field, x.from_value, x.to_value, x.caused_by, x.retraction_of, x.recorded_at, x.payload
       FROM claimed c
       JOIN webhook_subscriptions s ON s.id = c.subscription_id
       JOIN status_changes x ON x.seq = c.seq`,
      [this.topic, limit, leaseMs],
    );
  }

  private async deliver(d: Claimed): Promise<void> {
    const started = Date.now();
    const attempt = d.attempts + 1;
    let result: AttemptResult;
    try {
      result = await this.send(d, attempt);
    } catch (e) {
      // A delivery that cannot even be made (a stored URL or change that no longer reads) fails as
      // an attempt does: retried with backoff, then the subscription is disabled with this reason.
      result = { ok: false, error: `could not be sent: ${String(e)}` };
    }
    try {
      if (result.ok) {
        this.metrics.webhookAttempt('delivered');
        await this.db.query(
          `UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, last_attempt_at = now(), last_status = $3,
             last_error = NULL, delivered_at = now(), leased_until = NULL
           WHERE subscription_id = $1 AND seq = $2`,
          [d.subscription_id, d.seq, result.status],
        );
        return;
      }
      const next = afterFailure(attempt, Number(d.elapsed_ms) + (Date.now() - started), {
        baseMs: this.config.webhooks.retryBaseMs,
        maxMs: this.config.webhooks.retryMaxMs,
        periodMs: this.config.webhooks.retryPeriodMs,
      });
      this.metrics.webhookAttempt(next.giveUp ? 'gave_up' : 'failed');
      await this.db.transaction(async (m) => {
        await m.query(
          `UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = now(), last_status = $3, last_error = $4,
             leased_until = NULL, state = $5, next_attempt_at = now() + make_interval(secs => $6::double precision / 1000)
           WHERE subscription_id = $1 AND seq = $2`,
          [d.subscription_id, d.seq, result.status ?? null, result.error ?? null, next.giveUp ? 'failed' : 'pending', next.giveUp ? 0 : next.delayMs],
        );
        if (next.giveUp) {
          const reason = `delivery of change ${d.id} failed for ${Math.round(this.config.webhooks.retryPeriodMs / 1000)} s (${attempt} attempts); last error: ${result.error ?? 'unknown'}`;
          await m.query(`UPDATE webhook_subscriptions SET disabled_at = now(), disabled_reason = $2 WHERE id = $1 AND disabled_at IS NULL`, [d.subscription_id, reason]);
          this.logger.warn(`subscription ${d.subscription_id} disabled: ${reason}`);
        }
      });
    } catch (e) {
      // The lease expires and another round retries it: at-least-once.
      this.logger.warn(`could not record delivery ${d.subscription_id}/${d.seq}: ${String(e)}`);
    }
  }

  /** Signs and POSTs one change to its subscription. */
  private send(d: Claimed, attempt: number): Promise<AttemptResult> {
    const change = statusChangeOfColumns(d);
    const body = statusChangeJson(change);
    return postWebhook(
      new URL(d.url),
      body,
      {
        'content-type': 'application/json',
        'user-agent': 'newsledger-webhooks/1',
        [SIGNATURE_HEADER]: signWebhook(d.secret, body, Math.floor(Date.now() / 1000)),
        'newsledger-change-id': d.id,
        'newsledger-delivery': `${d.subscription_id}/${d.seq}`,
        'newsledger-attempt': String(attempt),
      },
      { timeoutMs: this.config.webhooks.timeoutMs, allowPrivate: this.config.webhooks.allowPrivateTargets },
    );
  }
}
