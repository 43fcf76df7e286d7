import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditError, AuditJobsStore } from '@newsledger/audit';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { STATE_VERSION } from '@newsledger/domain';
import { PollLoop, staleViewsExist } from '@newsledger/persistence';
import { DataSource } from 'typeorm';

const CHECK_MS = 2000;
/** After an upgrade rebuild failed (its error is on its job), how long before asking again. */
const AFTER_FAILURE_MS = 60_000;

/** Who an upgrade's rebuild job says asked for it. */
export const UPGRADE_REQUESTER = `upgrade to state version ${STATE_VERSION}`;

/**
 * Brings views written under another `STATE_VERSION` (an earlier release's rules) up to the
 * current one at start, with no manual step: it records a rebuild job, which a projector's job
 * runner takes like any other (one at a time, taken over if its projector dies, followed at
 * `/v1/admin/rebuild/:id`). The zero-downtime rebuild derives a new generation from the log itself
 * (so whatever the new release decodes differently is decoded anew too) while the old one keeps
 * serving, and swaps it in. Until then views, history and explain are right (they replay the event
 * index under the current rules, ignoring snapshots of another version), and list filters on
 * derived columns answer 503 `views_upgrading`. A rebuild already running is waited for, then the
 * rows checked again.
 */
@Injectable()
export class ViewsUpgrader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('views-upgrade');
  private readonly loop = new PollLoop();
  private readonly jobs: AuditJobsStore;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
  ) {
    this.jobs = new AuditJobsStore(db);
  }

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private async run(): Promise<void> {
    let asked: string | undefined;
    while (this.loop.running) {
      let pause = CHECK_MS;
      try {
        if (!(await staleViewsExist(this.db))) {
          if (asked) this.logger.log({ version: STATE_VERSION }, "views rebuilt under this release's rules");
          return;
        }
        const last = asked ? await this.jobs.get(asked, 'rebuild') : undefined;
        if (last?.status === 'failed') {
          this.logger.warn({ rebuild: asked }, `the rebuild of an earlier release's views failed (see /v1/admin/rebuild/${asked}); asking again in ${AFTER_FAILURE_MS / 1000} s`);
          asked = undefined;
          pause = AFTER_FAILURE_MS;
        } else if (!(await this.jobs.activeRebuild())) {
          const { kafka } = this.config;
          const job = await this.jobs.create({ kind: 'rebuild', topic: kafka.topics.events, group: kafka.projectorGroupId, requestedBy: UPGRADE_REQUESTER, params: {} });
          asked = job.id;
          this.logger.log({ rebuild: job.id, version: STATE_VERSION }, 'views of an earlier release found; rebuilding them from the log');
        }
      } catch (e) {
        // Another process recorded one between the check and ours: it is waited for like any other.
        if (!(e instanceof AuditError && e.code === 'rebuild_running')) {
          this.logger.warn({ err: (e as Error).message }, 'could not ask for the rebuild of an earlier release\'s views; trying again shortly');
        }
      }
      await this.loop.pause(pause);
    }
  }
}
