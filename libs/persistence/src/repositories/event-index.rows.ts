import { RecordedEvent, upcast } from '@newsledger/domain';

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
  /** As recorded, in version `data_version` of its type. */
  data: Record<string, unknown>;
  data_version: number;
  note: string | null;
  retracted_by: string | null;
}

/** Turns an index row back into the event the reducers take: its data upcast to the current version of its type. */
export function toRecordedEvent(r: EventIndexRow): RecordedEvent {
  const event = {
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
  return upcast(event, r.data_version);
}
