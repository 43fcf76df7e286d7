/** Stable error codes of the audit library, each with the shape of its `details`. */
export interface AuditErrorDetails {
  /** A rebuild of this schema is already running (here or in another process). */
  rebuild_running: { rebuildId: string | null };
  /** No rebuild with this id. */
  rebuild_not_found: { rebuildId: string };
  /** No verification with this id. */
  verify_not_found: { verifyId: string };
  /** The rebuild was cancelled (its process stopping, or Ctrl-C) before it switched. */
  rebuild_cancelled: { rebuildId: string };
  /** Reading the log failed midway (the broker gone, the topic deleted); nothing was changed. */
  log_unreadable: { cause: string };
  /** A job failed for a reason of no other code; `error` is what it said. */
  job_failed: { jobId: string; error: string };
  /** An export, replay or time-travel request that cannot be answered as asked. */
  invalid_audit_request: { issues: { path: string; message: string }[] };
  /** The new generation differed from the live views and the caller asked to stop on a difference. */
  rebuild_differs: { differences: number };
  /** `rebuild --adopt-log` while a projector of the group is projecting another Kafka cluster. */
  log_in_use: { clusterId: string; checkedAt: string };
  /** A rebuild up to the live checkpoints while the projector refuses the log: they are not this log's. */
  log_refused: { reason: string };
}

/** One of the stable codes in {@link AuditErrorDetails}. */
export type AuditErrorCode = keyof AuditErrorDetails;

/** The only error the audit library throws on purpose; the APIs map `code` to HTTP once. */
export class AuditError<C extends AuditErrorCode = AuditErrorCode> extends Error {
  override readonly name = 'AuditError';

  constructor(
    readonly code: C,
    message: string,
    readonly details: AuditErrorDetails[C],
  ) {
    super(message);
  }

  /** Narrows `details` to the shape of `code`. */
  is<K extends AuditErrorCode>(code: K): this is AuditError<K> {
    return (this.code as AuditErrorCode) === code;
  }
}
