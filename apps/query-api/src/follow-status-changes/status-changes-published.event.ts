import { IEvent } from '@nestjs/cqrs';

/** A change ready to send: its position, what filters look at, and its SSE frame (built once). */
export interface FeedChange {
  seq: number;
  subject: string;
  kind: string;
  field: string;
  /** the change as JSON (contract shape) */
  json: string;
  frame: string;
}

/**
 * Changes newly relayed to the feed, in feed order, with no gap since the previous event. Published
 * on the in-process EventBus for dispatch only: what a process misses is read from PostgreSQL.
 */
export class StatusChangesPublished implements IEvent {
  constructor(readonly changes: readonly FeedChange[]) {}
}
