/**
 * @newsledger/audit — what auditors ask of the log and the views: export, in-memory replay,
 * verify, and rebuild without downtime, run as jobs. Every fold goes through the projector's own
 * batch step and the domain reducers.
 */
export { AuditError, type AuditErrorCode, type AuditErrorDetails } from './audit.error';
export {
  exportEvents,
  exportScopeOf,
  toExportedEvent,
  type ExportedEvent,
  type ExportScope,
  type IndexedEventRow,
} from './export/events.export';
export { replayLog, type LogReplayOptions, type ReplayedEvent, type ReplayedLog } from './log-replay/log.replay';
export { type Difference } from './verify/difference';
export { verifyViews, type StoredProjection, type StoredViewRow, type VerifyOptions, type VerifyReport } from './verify/views.verify';
export { ViewsRebuild, type RebuildOptions, type RebuildPhase, type RebuildProgress, type RebuildReport } from './rebuild/views.rebuild';
export { type GenerationComparison } from './rebuild/generation.comparison';
export { type LogAdoption } from './rebuild/log.adoption';
export {
  AuditJobsStore,
  type AuditJob,
  type AuditJobKind,
  type AuditJobParams,
  type AuditJobPhase,
  type ClaimedJob,
  type JobOutcome,
  type RebuildStatus,
} from './jobs/audit-jobs.store';
export { AuditJobRunner, workerName, type AuditJobProgress, type AuditJobRunEnd, type AuditJobSettings } from './jobs/audit-job.runner';
