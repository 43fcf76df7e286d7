/**
 * @newsledger/audit — what auditors ask of the log and the views: export, in-memory replay,
 * verify, and rebuild without downtime, run as jobs. Every fold goes through the projector's own
 * batch step and the domain reducers.
 */
export * from './audit.error';
export * from './export/events.export';
export * from './log-replay/log.replay';
export * from './verify/difference';
export * from './verify/views.verify';
export * from './rebuild/views.rebuild';
export * from './rebuild/generation.comparison';
export * from './rebuild/log.adoption';
export * from './jobs/audit-jobs.store';
export * from './jobs/audit-job.runner';
