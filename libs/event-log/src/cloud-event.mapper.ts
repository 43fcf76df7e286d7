import { EVENT_TYPES, eventJsonSchemas, EventType, RecordedEvent, Report, validateParsedReport, ValidationIssue } from '@newsledger/domain';

/** An event as it travels on `newsledger.events`: CloudEvents 1.0, structured JSON mode. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  type: string;
  /** `newsroom/<ingestor>` */
  source: string;
  subject: string;
  /** recordedAt: the ingest server's clock */
  time: string;
  datacontenttype: 'application/json';
  data: { occurredAt?: string; source: Report['source']; confirmation: Report['confirmation']; data: unknown; note?: string };
}

const SOURCE_PREFIX = 'newsroom/';

/** Maps a validated report and its transaction metadata to the CloudEvent put on the log. */
export function toCloudEvent(report: Report, meta: { ingestor: string; recordedAt: string }): CloudEvent {
  const data: CloudEvent['data'] = { source: report.source, confirmation: report.confirmation, data: report.data };
  if (report.occurredAt !== undefined) data.occurredAt = report.occurredAt;
  if (report.note !== undefined) data.note = report.note;
  return {
    specversion: '1.0',
    id: report.id,
    type: report.type,
    source: SOURCE_PREFIX + meta.ingestor,
    subject: report.subject,
    time: meta.recordedAt,
    datacontenttype: 'application/json',
    data,
  };
}

/**
 * The JSON Schema (draft 2020-12 keywords that draft-07 also reads, no `$schema`) of the CloudEvent
 * of each event type, derived from the domain's report schemas: `id`, `type` and `subject` move to
 * the envelope (the id becomes required), the rest of the report is `data`. What
 * {@link fromCloudEvent} accepts, less the cross-field rules JSON Schema cannot say.
 */
export function cloudEventJsonSchemas(): Record<EventType, Record<string, unknown>> {
  const reports = eventJsonSchemas() as Record<EventType, { properties: Record<string, object>; required: string[] }>;
  return Object.fromEntries(
    EVENT_TYPES.map((type) => {
      const { id, type: typeSchema, subject, ...rest } = reports[type].properties;
      const schema: Record<string, unknown> = {
        title: type,
        type: 'object',
        properties: {
          specversion: { type: 'string', const: '1.0' },
          id: { ...id, description: 'The report id: the idempotency key' },
          type: typeSchema,
          source: { type: 'string', pattern: `^${SOURCE_PREFIX}[^\\u0000]+$`, description: `\`${SOURCE_PREFIX}<ingestor>\`: the name behind the API key, or the desk publishing directly` },
          subject: { ...subject, description: 'Also the message key' },
          time: { type: 'string', format: 'date-time', description: 'recordedAt (RFC 3339); when absent, the message timestamp' },
          datacontenttype: { type: 'string', const: 'application/json' },
          data: {
            type: 'object',
            properties: rest,
            required: reports[type].required.filter((k) => k in rest),
            additionalProperties: false,
            description: 'The rest of the report',
          },
        },
        required: ['specversion', 'id', 'type', 'source', 'subject', 'data'],
      };
      return [type, schema];
    }),
  ) as Record<EventType, Record<string, unknown>>;
}

export type DecodeResult =
  | { ok: true; event: RecordedEvent }
  | { ok: false; reason: string; issues: ValidationIssue[] };

function fail(reason: string, issues: ValidationIssue[] = []): DecodeResult {
  return { ok: false, reason, issues };
}

/**
 * Reads a message value from the events topic, whoever wrote it (the ingest API or an ingestor
 * publishing directly), and validates it exactly like an HTTP report (a valid one by the compiled
 * check of {@link validateParsedReport}).
 * @param at - the message's position, and its Kafka timestamp (recordedAt when `time` is absent)
 */
export function fromCloudEvent(
  value: Buffer | string | null,
  at: { partition: number; offset: string; timestamp?: string },
): DecodeResult {
  if (value === null) return fail('empty message: expected a CloudEvents 1.0 JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (e) {
    return fail(`not JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail('expected a CloudEvents 1.0 JSON object');
  }
  const ce = parsed as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if (ce.specversion !== '1.0') issues.push({ path: 'specversion', message: 'must be "1.0"' });
  if (typeof ce.source !== 'string' || !ce.source.startsWith(SOURCE_PREFIX) || ce.source.length <= SOURCE_PREFIX.length) {
    issues.push({ path: 'source', message: `must name the ingestor as "${SOURCE_PREFIX}<name>"` });
  } else if (ce.source.includes('\u0000')) {
    // PostgreSQL cannot store it: such an event would be retried forever instead of dead-lettered.
    issues.push({ path: 'source', message: 'must not contain the NUL character (\\u0000), which cannot be stored' });
  }
  // The message timestamp is read only when needed: a log message decodes it on each read.
  const time = ce.time ?? at.timestamp;
  const recordedAt = typeof time !== 'string' ? undefined : CANONICAL_INSTANT.test(time) ? time : isoInstant(time);
  if (recordedAt === undefined) issues.push({ path: 'time', message: 'must be an RFC 3339 instant such as "2025-05-23T10:00:00Z"' });
  if (typeof ce.data !== 'object' || ce.data === null || Array.isArray(ce.data)) {
    issues.push({ path: 'data', message: 'must be an object with source, confirmation and data' });
  }
  if (typeof ce.id !== 'string') issues.push({ path: 'id', message: 'must be the report id (a string)' });
  if (issues.length > 0) return fail('not a valid newsledger CloudEvent', issues);

  // Both objects were made for this call (parsed here, output by the validator): completed in
  // place, since copying them is a fifth of the cost of decoding on the projector's hot path.
  const candidate = ce.data as Record<string, unknown>;
  candidate.id = ce.id;
  candidate.type = ce.type;
  candidate.subject = ce.subject;
  const checked = validateParsedReport(candidate);
  if (!checked.ok) return fail('report failed validation', checked.issues);
  const event = checked.report as unknown as Record<string, unknown>;
  event.id = ce.id;
  event.ingestor = (ce.source as string).slice(SOURCE_PREFIX.length);
  event.recordedAt = recordedAt;
  event.position = { partition: at.partition, offset: at.offset };
  return { ok: true, event: event as unknown as RecordedEvent };
}

/**
 * `time` as `toISOString` writes it, or undefined when it is no instant or its year has not four
 * digits (`toISOString` writes "+010000-…", which PostgreSQL refuses).
 */
function isoInstant(time: string): string | undefined {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

/**
 * An instant already as `toISOString` writes it (what the ingest API appends), kept as it is. Days
 * past the 28th and anything else go through `Date`, which rolls "02-30" or "24:00" over as before.
 */
const CANONICAL_INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
