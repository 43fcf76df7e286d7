import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AuditJobRunner, AuditJobsStore, workerName } from '@newsledger/audit';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { KAFKA, KafkaClient } from '@newsledger/event-log';
import { dataSourceOptions, PollLoop } from '@newsledger/persistence';
import { DataSource } from 'typeorm';

/** Jobs started before a job is failed as the likely cause of its workers' deaths. */
const MAX_ATTEMPTS = 3;
/**
 * Connections of the jobs' own pool: a rebuild holds one for its lock and one for its switch while
 * it applies batches and writes its progress on others.
 */
const JOB_POOL_SIZE = 5;

/**
 * Runs the rebuild and verify jobs the query API (or the CLI) records, one at a time per process.
 * Every projector takes part: each claims the oldest waiting job of its views with a lease it
 * renews, so a job whose projector died is taken over once the lease has run out; at most one
 * rebuild job runs at a time (the table's constraint), and one rebuild holds the schema's lock.
 *
 * The jobs have a connection pool of their own: a switch holds the live checkpoints while the
 * projector's batches wait on them, and those waiting batches must not take every connection the
 * rebuild needs to catch up.
 */
@Injectable()
export class AuditJobsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('jobs');
  private readonly loop = new PollLoop();
  private db: DataSource | undefined;
  private runner: AuditJobRunner | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    // No new claim from here on; the job under way goes back to the others, then the loop ends.
    const stopped = this.loop.stop();
    await this.runner?.stop();
    await stopped;
    await this.db?.destroy().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { database, kafka, audit } = this.config;
    while (this.loop.running) {
      try {
        this.db ??= await new DataSource(dataSourceOptions(database.url, JOB_POOL_SIZE, database.schema)).initialize();
        this.runner ??= new AuditJobRunner(this.db, this.kafka, { sessionTimeout: kafka.sessionTimeoutMs, rebuild: audit.rebuild, leaseMs: audit.jobs.leaseMs }, workerName());
        const store = new AuditJobsStore(this.db);
        const job = await store.claim(this.runner.worker, { topic: kafka.topics.events, group: kafka.projectorGroupId }, audit.jobs.leaseMs, MAX_ATTEMPTS);
        // Claimed while this process began to stop: it goes straight back.
        if (job && !this.loop.running) await store.release(job.id, this.runner.worker);
        else if (job) {
          this.logger.log({ job: job.id, kind: job.kind, attempt: job.attempts, requestedBy: job.requestedBy }, `${job.kind} job started`);
          const end = await this.runner.run(job);
          if (end.status === 'failed') this.logger.warn({ job: job.id, kind: job.kind, error: String((end.error as Error)?.message ?? end.error) }, `${job.kind} job failed`);
          else this.logger.log({ job: job.id, kind: job.kind, outcome: end.status }, `${job.kind} job ${end.status}`);
          // Handed back (the rebuild lock still held elsewhere): not at once again.
          if (end.status !== 'released') continue;
        }
      } catch (e) {
        this.logger.warn({ err: (e as Error).message }, 'running jobs failed; trying again shortly');
      }
      if (this.loop.running) await this.loop.pause(audit.jobs.pollMs);
    }
  }
}
