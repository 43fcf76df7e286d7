import { AuditJob, AuditJobKind, AuditJobParams, AuditJobProgress, AuditJobRunner, AuditJobsStore, workerName } from '@newsledger/audit';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditConnections } from '../audit.connections';

/** How often a followed job's row is read. */
const FOLLOW_POLL_MS = 500;

/**
 * Progress where no bar can be drawn (stderr is not a terminal: a log, CI): one line per phase,
 * `rebuild building 1200/5000`.
 */
export function phaseLines(kind: AuditJobKind): (p: AuditJobProgress) => void {
  let last = '';
  return (p) => {
    if (process.stderr.isTTY || p.phase === last) return;
    last = p.phase;
    process.stderr.write(`${kind} ${p.phase}${p.target > 0 ? ` ${p.applied}/${p.target}` : ''}\n`);
  };
}

/** Says which job this is, so it can be followed elsewhere (`GET /v1/admin/<kind>/<id>`, `--follow`). */
function announce(job: AuditJob): void {
  process.stderr.write(`${job.kind} ${job.id}\n`);
}

/**
 * Records a job, claimed by this process, and runs it here: it is listed and followed like any
 * other (the API's GET, `--follow`), counts as the one rebuild running, and Ctrl-C cancels it.
 * Resolves with the report; rejects with the error that failed it.
 */
export async function runJobHere(c: AuditConnections, kind: AuditJobKind, params: AuditJobParams, onProgress: (p: AuditJobProgress) => void): Promise<unknown> {
  const { config, db, kafka } = c;
  const { leaseMs } = config.audit.jobs;
  const runner = new AuditJobRunner(db, kafka, { sessionTimeout: config.kafka.sessionTimeoutMs, rebuild: config.audit.rebuild, leaseMs }, `cli:${workerName()}`);
  const group = config.kafka.projectorGroupId;
  const job = await new AuditJobsStore(db).create({ kind, topic: config.kafka.topics.events, group, requestedBy: 'cli', params }, { worker: runner.worker, leaseMs });
  announce(job);
  const stop = () => runner.cancel();
  process.once('SIGINT', stop);
  try {
    const end = await runner.run({ ...job, group, params }, onProgress);
    if (end.status === 'done') return end.report;
    if (end.status === 'failed') throw end.error;
    throw new Error(`${kind} ${job.id} was taken over by a worker; follow it with --follow ${job.id}`);
  } finally {
    process.off('SIGINT', stop);
  }
}

/** Records a job for the projectors' job workers, then follows it. */
export async function queueJob(c: AuditConnections, kind: AuditJobKind, params: AuditJobParams, onProgress: (p: AuditJobProgress) => void): Promise<unknown> {
  const { config, db } = c;
  const job = await new AuditJobsStore(db).create({ kind, topic: config.kafka.topics.events, group: config.kafka.projectorGroupId, requestedBy: 'cli', params });
  announce(job);
  return followJob(c, kind, job.id, onProgress);
}

/**
 * Follows a job that a worker runs (one asked of the API, or queued) until it ends, reporting its
 * progress as the table shows it. Ctrl-C stops following; the job goes on.
 * Resolves with the report; rejects with the error that failed it.
 */
export async function followJob(c: AuditConnections, kind: AuditJobKind, id: string, onProgress: (p: AuditJobProgress) => void): Promise<unknown> {
  const store = new AuditJobsStore(c.db);
  process.stderr.write(`following ${kind} ${id}\n`);
  for (;;) {
    const job = await store.get(id, kind);
    if (!job) throw new Error(`no ${kind} job "${id}"`);
    onProgress({ phase: job.phase, applied: job.progress.applied, target: job.progress.target });
    if (job.status === 'done') return job.report;
    if (job.status === 'failed') throw (await store.failureOf(id)) ?? new Error(job.error ?? 'failed');
    await sleep(FOLLOW_POLL_MS);
  }
}
