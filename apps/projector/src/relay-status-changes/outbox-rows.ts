import { encodeStatusChange, OutgoingMessage, StatusChangeMessage } from '@newsledger/event-log';

/** A row of `status_changes` as the relay selects it. */
export interface OutboxRow {
  id: string;
  seq: string;
  subject: string;
  field: string;
  from_value: string | null;
  to_value: string | null;
  caused_by: string;
  retraction_of: string | null;
  recorded_at: Date;
}

/** The contract's change from an outbox row. */
export function toStatusChange(r: OutboxRow): StatusChangeMessage {
  return {
    id: r.id,
    subject: r.subject,
    field: r.field as StatusChangeMessage['field'],
    from: r.from_value,
    to: r.to_value,
    causedBy: r.caused_by,
    recordedAt: r.recorded_at.toISOString(),
    ...(r.retraction_of ? { retractionOf: r.retraction_of } : {}),
  };
}

/**
 * The Kafka messages of consecutive outbox rows (in `seq` order), each naming the row before it:
 * the first names `prevSeq`, the last row of the feed before this run. Re-relayed rows get the
 * same messages, so a duplicate is recognisable by change id and by position.
 */
export function relayMessages(rows: readonly OutboxRow[], prevSeq: number): OutgoingMessage[] {
  let prev = prevSeq;
  return rows.map((r) => {
    const seq = Number(r.seq);
    const m = encodeStatusChange(toStatusChange(r), { seq, prevSeq: prev });
    prev = seq;
    return m;
  });
}
