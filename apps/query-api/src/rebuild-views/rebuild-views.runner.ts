import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RebuildsStore, RebuildStatus, ViewsRebuild } from '@newsledger/audit';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { KAFKA } from '@newsledger/event-log';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';

/** Runs a rebuild in the background of this query-API process; any instance can report progress from the table. */
@Injectable()
export class RebuildViewsRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger('rebuild');
  private readonly store: RebuildsStore;
  private running: { rebuild: ViewsRebuild; done: Promise<unknown> } | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
  ) {
    this.store = new RebuildsStore(db);
  }

  /** @throws AuditError `rebuild_running` */
  async start(requestedBy: string, abortOnDifference: boolean): Promise<RebuildStatus> {
    const { kafka, audit } = this.config;
    const rebuild = await ViewsRebuild.begin(this.db, this.kafka, {
      topic: kafka.topics.events,
      liveGroup: kafka.projectorGroupId,
      requestedBy,
      switchLag: audit.rebuild.switchLag,
      switchTimeoutMs: audit.rebuild.switchTimeoutMs,
      lockTimeoutMs: audit.rebuild.lockTimeoutMs,
      sessionTimeout: kafka.sessionTimeoutMs,
      abortOnDifference,
    });
    const done = rebuild.run().then(
      (report) => this.logger.log({ rebuild: report.id, eventsPerSecond: report.eventsPerSecond, differences: report.differences }, 'rebuild switched'),
      (e: unknown) => this.logger.warn({ rebuild: rebuild.id, error: String((e as Error).message ?? e) }, 'rebuild failed'),
    );
    this.running = { rebuild, done };
    void done.finally(() => {
      if (this.running?.rebuild === rebuild) this.running = undefined;
    });
    return (await this.store.get(rebuild.id))!;
  }

  status(id: string): Promise<RebuildStatus | undefined> {
    return this.store.get(id);
  }

  recent(): Promise<RebuildStatus[]> {
    return this.store.recent(20);
  }

  // Before the connections close, so the cancelled rebuild can drop its tables and release its lock.
  async beforeApplicationShutdown(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.rebuild.cancel();
    await running.done;
  }
}
