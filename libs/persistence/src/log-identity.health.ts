import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { DataSource } from 'typeorm';
import { LogIdentityRow, LogIdentityStore } from './repositories/log-identity.store';

/**
 * A `/health` check (provide it under the HTTP library's `HEALTH_CHECKS`): down while the
 * projector group refuses the log it is given, with its reason and what to do. Read from the row
 * the projector writes, so the query API reports it as well as the projector; the ingest API's
 * gate reads the same row through {@link LogIdentityHealth.identity}.
 */
@Injectable()
export class LogIdentityHealth {
  private readonly store = new LogIdentityStore();
  private readonly group: string;
  private readonly topic: string;

  constructor(@InjectDataSource() private readonly db: DataSource, @Inject(CONFIG) config: NewsledgerConfig) {
    this.group = config.kafka.projectorGroupId;
    this.topic = config.kafka.topics.events;
  }

  /**
   * The projector group's row for the configured events topic (`row` undefined before its first
   * check), or null when PostgreSQL cannot be read: its own check and the next query say so.
   */
  async identity(): Promise<{ row: LogIdentityRow | undefined } | null> {
    try {
      return { row: await this.store.load(this.db.manager, this.group, this.topic) };
    } catch {
      return null;
    }
  }

  async check(): Promise<{ log: { status: 'up' | 'down'; [detail: string]: unknown } }> {
    const identity = await this.identity();
    if (!identity) return { log: { status: 'up', checked: false } };
    const { row } = identity;
    if (!row?.refusal) return { log: { status: 'up' } };
    const { reason, message, action, details } = row.refusal;
    return {
      log: {
        status: 'down',
        message: `the projector projects nothing (${reason}): ${message}; ${action}`,
        reason,
        action,
        checkedAt: row.checkedAt,
        ...(details ? { found: details } : {}),
      },
    };
  }
}
