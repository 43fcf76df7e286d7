import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditError, ViewsRebuild } from '@newsledger/audit';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { STATE_VERSION } from '@newsledger/domain';
import { KAFKA } from '@newsledger/event-log';
import { PollLoop, staleViewsExist } from '@newsledger/persistence';
import { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

const RETRY_MS = 5000;

/**
 * Brings views written under another `STATE_VERSION` (an earlier release's rules) up to the
 * current one at start, with no manual step: the zero-downtime rebuild derives a new generation
 * from the log itself (so whatever the new release decodes differently is decoded anew too) while
 * the old one keeps serving, and swaps it in. Until then single views, history and explain are
 * right (they replay the event index under the current rules, ignoring snapshots of another
 * version), and lists refuse to answer from rows of another version (503 `views_upgrading`).
 * One rebuild at a time: another process's rebuild is waited for, then the rows checked again.
 */
@Injectable()
export class ViewsUpgrader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('views-upgrade');
  private readonly loop = new PollLoop();
  private rebuild: ViewsRebuild | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    this.rebuild?.cancel();
    await this.loop.stop();
  }

  private async run(): Promise<void> {
    while (this.loop.running) {
      try {
        if (!(await staleViewsExist(this.db))) return;
        await this.upgrade();
        continue;
      } catch (e) {
        if (e instanceof AuditError && e.code === 'rebuild_running') {
          this.logger.log('another rebuild is running; the views are checked again once it is done');
        } else {
          this.logger.warn({ err: (e as Error).message }, 'rebuilding the views of an earlier release failed; trying again shortly');
        }
      }
      await this.loop.pause(RETRY_MS);
    }
  }

  private async upgrade(): Promise<void> {
    const { kafka, audit } = this.config;
    this.logger.log({ version: STATE_VERSION }, 'views of an earlier release found; rebuilding them from the log');
    const rebuild = await ViewsRebuild.begin(this.db, this.kafka, {
      topic: kafka.topics.events,
      id: randomUUID(),
      liveGroup: kafka.projectorGroupId,
      switchLag: audit.rebuild.switchLag,
      switchTimeoutMs: audit.rebuild.switchTimeoutMs,
      lockTimeoutMs: audit.rebuild.lockTimeoutMs,
      sessionTimeout: kafka.sessionTimeoutMs,
    });
    this.rebuild = rebuild;
    try {
      const report = await rebuild.run();
      // Differences from the old generation are the point of an upgrade: the rules changed.
      this.logger.log({ rebuild: report.id, version: STATE_VERSION, changedViews: report.differences }, 'views rebuilt under this release\'s rules');
    } finally {
      this.rebuild = undefined;
    }
  }
}
