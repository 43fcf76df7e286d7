import { RecordedEvent } from '@newsledger/domain';

/** A row of the event index as `SELECT * FROM events` returns it. */
export interface EventIndexRow {
  event_id: string;
  subject: string;
  type: string;
  partition: number;
  offset: string;
  recorded_at: Date;
  occurred_at: string | null;
  ingestor: string;
  source: RecordedEvent['source'];
  confirmation: RecordedEvent['confirmation'];
  data: Record<string, unknown>;
  note: string | null;
  retracted_by: string | null;
}

/** Turns an index row back into the event the reducers take. */
export function toRecordedEvent(r: EventIndexRow): RecordedEvent {
  return {
    id: r.event_id,
    type: r.type,
    subject: r.subject,
    ...(r.occurred_at !== null ? { occurredAt: r.occurred_at } : {}),
    source: r.source,
    confirmation: r.confirmation,
    data: r.data,
    ...(r.note !== null ? { note: r.note } : {}),
    recordedAt: r.recorded_at.toISOString(),
    ingestor: r.ingestor,
    position: { partition: r.partition, offset: String(r.offset) },
  } as RecordedEvent;
}
