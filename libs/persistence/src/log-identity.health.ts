import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { DataSource } from 'typeorm';
import { LogIdentityStore } from './repositories/log-identity.store';

/**
 * A `/health` check (provide it under the HTTP library's `HEALTH_CHECKS`): down while the
 * projector group refuses the log it is given, with its reason and what to do. Read from the row
 * the projector writes, so the query API reports it as well as the projector.
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

  async check(): Promise<{ log: { status: 'up' | 'down'; [detail: string]: unknown } }> {
    let row;
    try {
      row = await this.store.load(this.db.manager, this.group, this.topic);
    } catch {
      // PostgreSQL is down: its own check names it.
      return { log: { status: 'up', checked: false } };
    }
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
