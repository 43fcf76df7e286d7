import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { AuditError } from '../audit.error';
import { ViewsRebuild } from '../rebuild/views.rebuild';
import { verifyViews } from '../verify/views.verify';
import { AuditJobPhase, AuditJobsStore, ClaimedJob, JobOutcome } from './audit-jobs.store';
import { KafkaClient } from '@newsledger/event-log';

/** How the jobs of one deployment run. */
export interface AuditJobSettings {
  /** Kafka's session timeout for the readers of the log. */
  sessionTimeout?: number;
  rebuild: { switchLag: number; switchTimeoutMs: number; lockTimeoutMs: number };
  /** How long a claim holds without renewal; a worker renews it every third of that. */
  leaseMs: number;
}

/** A job's progress as it happens (the table gets it at most every half second, and at each new phase). */
export interface AuditJobProgress {
  phase: AuditJobPhase;
  applied: number;
  target: number;
}

/** How a run ended for this worker: the job's outcome, or handed back / taken over (the job goes on elsewhere). */
export type AuditJobRunEnd = JobOutcome | { status: 'released' } | { status: 'lost' };

const PROGRESS_EVERY_MS = 500;

/** The job under way. */
interface Running {
  job: ClaimedJob;
  rebuild?: ViewsRebuild;
  /** Why it is being stopped: cancelled (it fails), handed back to the others, or taken over by another worker. */
  stop?: 'cancel' | 'handBack' | 'lost';
  /** Gives up waiting for work that cannot be stopped (a verification only reads). */
  abandon: () => void;
  abandoned: Promise<void>;
  done: Promise<AuditJobRunEnd>;
}

/** A name for this worker in the jobs it claims: host, process and instance. */
export function workerName(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 4)}`;
}

/**
 * Runs claimed jobs: the rebuild or verification itself, its lease renewed while it runs, its
 * progress and outcome written to its row. Shared by the projector's job worker and the CLI.
 */
export class AuditJobRunner {
  private readonly store: AuditJobsStore;
  private current: Running | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly kafka: KafkaClient,
    private readonly settings: AuditJobSettings,
    readonly worker: string,
  ) {
    this.store = new AuditJobsStore(db);
  }

  /** Runs a job this worker has claimed to its end; `onProgress` sees every step. */
  run(job: ClaimedJob, onProgress?: (p: AuditJobProgress) => void): Promise<AuditJobRunEnd> {
    let abandon = () => undefined as void;
    const abandoned = new Promise<void>((resolve) => (abandon = resolve));
    const current: Running = { job, abandon, abandoned, done: Promise.resolve({ status: 'released' }) };
    this.current = current;
    current.done = this.runHeld(current, onProgress).finally(() => {
      if (this.current === current) this.current = undefined;
    });
    return current.done;
  }

  /** Stops the job under way, which then fails as cancelled (Ctrl-C in the CLI). */
  cancel(): void {
    if (this.current) this.halt(this.current, 'cancel');
  }

  /**
   * This worker is stopping: the job under way is handed back, for another worker to start again.
   * A rebuild is stopped first (it drops its tables and frees the rebuild lock); a verification
   * only reads, and is left behind.
   */
  async stop(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.halt(current, 'handBack');
    await current.done.catch(() => undefined);
  }

  private halt(current: Running, why: NonNullable<Running['stop']>): void {
    current.stop ??= why;
    if (current.job.kind === 'rebuild') current.rebuild?.cancel();
    else current.abandon();
  }

  private async runHeld(current: Running, onProgress?: (p: AuditJobProgress) => void): Promise<AuditJobRunEnd> {
    const { job } = current;
    const renewal = setInterval(() => {
      this.store.renew(job.id, this.worker, this.settings.leaseMs).then(
        // Not held any more: taken over (this process was too slow to renew), another worker runs it now.
        (held) => held || this.halt(current, 'lost'),
        () => undefined,
      );
    }, Math.max(100, Math.floor(this.settings.leaseMs / 3)));
    let written = { at: 0, phase: '' };
    const progress = async (p: AuditJobProgress) => {
      onProgress?.(p);
      if (Date.now() - written.at < PROGRESS_EVERY_MS && p.phase === written.phase) return;
      written = { at: Date.now(), phase: p.phase };
      await this.store.progress(job.id, this.worker, p.phase, p.applied, p.target);
    };
    const work = this.work(current, progress);
    // Work left behind ends with the process (or its connections): nothing waits for it then.
    work.catch(() => undefined);
    let outcome: JobOutcome | undefined;
    try {
      outcome = await Promise.race([
        work.then((report): JobOutcome => ({ status: 'done', report }), (error: unknown): JobOutcome => ({ status: 'failed', error })),
        current.abandoned.then(() => undefined),
      ]);
    } finally {
      clearInterval(renewal);
    }
    if (current.stop === 'lost') return { status: 'lost' };
    const lockHeld = outcome?.status === 'failed' && outcome.error instanceof AuditError && outcome.error.is('rebuild_running');
    if (current.stop === 'handBack' || lockHeld) {
      // Handed back; or the rebuild lock still held, by the worker this job was taken from, winding down: later.
      await this.store.release(job.id, this.worker, !lockHeld);
      return { status: 'released' };
    }
    outcome ??= { status: 'failed', error: new AuditError('job_failed', `${job.kind} ${job.id} was cancelled`, { jobId: job.id, error: 'cancelled' }) };
    await this.store.finish(job.id, this.worker, outcome);
    return outcome;
  }

  private async work(current: Running, progress: (p: AuditJobProgress) => Promise<void>): Promise<unknown> {
    const { job } = current;
    if (job.kind === 'verify') {
      let last = Promise.resolve();
      const report = await verifyViews(this.db, this.kafka, {
        topic: job.topic,
        group: job.group,
        groupPrefix: `${job.group}.verify`,
        sessionTimeout: this.settings.sessionTimeout,
        maxDifferences: job.params.limit ?? 1000,
        // Called synchronously by the replay: writes are chained, and the last awaited before the end.
        onProgress: (read, total) => void (last = last.then(() => progress({ phase: 'replaying', applied: read, target: total })).catch(() => undefined)),
      });
      await last;
      return report;
    }
    current.rebuild = await ViewsRebuild.begin(this.db, this.kafka, {
      id: job.id,
      topic: job.topic,
      liveGroup: job.group,
      ...this.settings.rebuild,
      sessionTimeout: this.settings.sessionTimeout,
      abortOnDifference: job.params.abortOnDifference ?? false,
      adoptLog: job.params.adoptLog ?? false,
      onProgress: (p) => progress(p),
    });
    if (current.stop) current.rebuild.cancel();
    return current.rebuild.run();
  }
}
