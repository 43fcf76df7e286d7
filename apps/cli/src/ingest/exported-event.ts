/** The fields of an exported event that the log sets, not the reporter: the ingest API refuses them in a report. */
const RECORDED_FIELDS = ['eventId', 'recordedAt', 'ingestor', 'position', 'retracted', 'retractedBy', 'dataschema'] as const;

function isExportedEvent(value: unknown): value is Record<string, unknown> & { eventId: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.eventId === 'string' && typeof v.recordedAt === 'string' && typeof v.position === 'object' && !('id' in v);
}

/**
 * A line of `newsledger export` as the report it records again: the same id (its eventId) and
 * content, without what the log added (when, by whom, where, whether withdrawn) and without the
 * export's nulls for absent optional fields. Anything else is a report already and passes as it is.
 */
export function reportOfLine(value: unknown): unknown {
  if (!isExportedEvent(value)) return value;
  const report: Record<string, unknown> = { id: value.eventId };
  for (const [k, v] of Object.entries(value)) {
    if (k === 'eventId' || (RECORDED_FIELDS as readonly string[]).includes(k)) continue;
    if (v === null && (k === 'occurredAt' || k === 'note')) continue;
    report[k] = v;
  }
  return report;
}
