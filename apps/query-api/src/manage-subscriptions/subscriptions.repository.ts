import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FeedFilter } from '../follow-status-changes/feed-filter';

/** A subscription as the API shows it (never its secret). */
export interface SubscriptionView {
  id: string;
  url: string;
  filter: FeedFilter;
  owner: string;
  createdAt: string;
  status: 'active' | 'disabled';
  disabledAt?: string;
  disabledReason?: string;
}

export interface DeliveryView {
  changeId: string;
  subject: string;
  position: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  firstAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

interface SubscriptionRow {
  id: string;
  url: string;
  filter: FeedFilter;
  owner_key_id: string;
  created_at: Date;
  disabled_at: Date | null;
  disabled_reason: string | null;
}

function view(r: SubscriptionRow): SubscriptionView {
  return {
    id: r.id,
    url: r.url,
    filter: r.filter,
    owner: r.owner_key_id,
    createdAt: r.created_at.toISOString(),
    status: r.disabled_at ? 'disabled' : 'active',
    ...(r.disabled_at ? { disabledAt: r.disabled_at.toISOString(), disabledReason: r.disabled_reason ?? '' } : {}),
  };
}

/** Who may see a subscription: its owner, or anyone when `owner` is undefined (admin). */
type Visibility = { owner: string | undefined };

const COLUMNS = 'id, url, filter, owner_key_id, created_at, disabled_at, disabled_reason';

/** Webhook subscriptions of one feed (topic), and their delivery log. */
@Injectable()
export class SubscriptionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates a subscription that receives the changes recorded from now on. */
  async create(topic: string, owner: string, s: { url: string; secret: string; filter: FeedFilter }): Promise<SubscriptionView> {
    const id = `sub_${randomBytes(10).toString('hex')}`;
    const rows: SubscriptionRow[] = await this.db.query(
      `INSERT INTO webhook_subscriptions (id, topic, owner_key_id, url, filter, secret, cursor_seq)
       VALUES ($1, $2, $3, $4, $5, $6, (SELECT coalesce(max(seq), 0) FROM status_changes WHERE topic = $2))
       RETURNING ${COLUMNS}`,
      [id, topic, owner, s.url, JSON.stringify(s.filter), s.secret],
    );
    return view(rows[0]);
  }

  async list(topic: string, v: Visibility): Promise<SubscriptionView[]> {
    const rows: SubscriptionRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE topic = $1 AND ($2::text IS NULL OR owner_key_id = $2) ORDER BY created_at, id`,
      [topic, v.owner ?? null],
    );
    return rows.map(view);
  }

  async get(topic: string, id: string, v: Visibility): Promise<SubscriptionView | undefined> {
    const rows: SubscriptionRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM webhook_subscriptions WHERE topic = $1 AND id = $2 AND ($3::text IS NULL OR owner_key_id = $3)`,
      [topic, id, v.owner ?? null],
    );
    return rows[0] ? view(rows[0]) : undefined;
  }

  /** Deletes a subscription and its delivery log; false when there is none to delete. */
  async delete(topic: string, id: string, v: Visibility): Promise<boolean> {
    return this.db.transaction(async (m) => {
      // The delivery log goes with it, however long it grew: not bound by the query API's statement timeout.
      await m.query(`SET LOCAL statement_timeout = 0`);
      const rows: unknown[] = await m.query(
        `WITH d AS (DELETE FROM webhook_subscriptions WHERE topic = $1 AND id = $2 AND ($3::text IS NULL OR owner_key_id = $3) RETURNING id)
         SELECT id FROM d`,
        [topic, id, v.owner ?? null],
      );
      return rows.length > 0;
    });
  }

  /** The delivery log, newest first, `limit` at a time below `before` (a position). */
  async deliveries(id: string, limit: number, before: string | undefined): Promise<{ deliveries: DeliveryView[]; nextCursor: string | null }> {
    const rows: {
      change_id: string; subject: string; seq: string; state: DeliveryView['state']; attempts: number; created_at: Date;
      first_attempt_at: Date | null; last_attempt_at: Date | null; last_status: number | null; last_error: string | null;
      next_attempt_at: Date; delivered_at: Date | null;
    }[] = await this.db.query(
      `SELECT change_id, subject, seq, state, attempts, created_at, first_attempt_at, last_attempt_at, last_status, last_error,
              next_attempt_at, delivered_at
       FROM webhook_deliveries WHERE subscription_id = $1 AND ($2::bigint IS NULL OR seq < $2)
       ORDER BY seq DESC LIMIT $3`,
      [id, before ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      deliveries: page.map((r) => ({
        changeId: r.change_id,
        subject: r.subject,
        position: String(r.seq),
        state: r.state,
        attempts: r.attempts,
        createdAt: r.created_at.toISOString(),
        firstAttemptAt: iso(r.first_attempt_at),
        lastAttemptAt: iso(r.last_attempt_at),
        lastStatus: r.last_status,
        lastError: r.last_error,
        nextAttemptAt: r.state === 'pending' ? r.next_attempt_at.toISOString() : null,
        deliveredAt: iso(r.delivered_at),
      })),
      nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
    };
  }
}
