import type { EventRow } from '@newsledger/persistence';

/** A bulk that keeps the rows it is given, for an event index in memory. */
export function rowsBulk() {
  const rows: EventRow[] = [];
  return {
    rows,
    add: (row: EventRow) => void rows.push(row),
    get size() {
      return rows.length;
    },
  };
}
