import { encodeStatusChange, OutgoingMessage, StatusChangeColumns, StatusChangeMessage, statusChangeOfColumns } from '@newsledger/event-log';

/** A row of `status_changes` as the relay selects it. */
export type OutboxRow = StatusChangeColumns & { seq: string };

/** The contract's change from an outbox row. */
export function toStatusChange(r: OutboxRow): StatusChangeMessage {
  return statusChangeOfColumns(r);
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
