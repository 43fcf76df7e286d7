import {
  currentVersionOf,
  dataschemaOf,
  DEPRECATED_VERSIONS,
  EVENT_TYPES,
  EVENT_VERSIONS,
  eventJsonSchemaIn,
  EventType,
  isEventType,
  isStorableInstant,
  isStorableText,
  RecordedEvent,
  Report,
  STORABLE_TEXT_PATTERN,
  validateParsedReport,
  ValidationIssue,
  versionNamed,
} from '@newsledger/domain';
import { PartitionMetadata, Partitioners } from 'kafkajs';

/** An event as it travels on `newsledger.events`: CloudEvents 1.0, structured JSON mode. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  type: string;
  /** `newsroom/<ingestor>` */
  source: string;
  subject: string;
  /**
   * The ingest server's clock when it appended the event. Not read back on a LogAppendTime topic:
   * recordedAt is then the broker's append time.
   */
  time: string;
  datacontenttype: 'application/json';
  /**
   * `urn:newsledger:schema:<type>:v<n>`: the version of its type the report's `data` is in. Absent
   * on messages written before versions existed, and then version 1.
   */
  dataschema?: string;
  data: { occurredAt?: string; source: Report['source']; confirmation: Report['confirmation']; data: unknown; note?: string };
}

const SOURCE_PREFIX = 'newsroom/';

/**
 * Maps a validated report and its transaction metadata to the CloudEvent put on the log: in the
 * version it was sent in (`recordedAs`, a deprecated one still accepted), else the current one.
 */
export function toCloudEvent(report: Report, meta: { ingestor: string; recordedAt: string }): CloudEvent {
  const { recordedAs } = report;
  const data: CloudEvent['data'] = { source: report.source, confirmation: report.confirmation, data: recordedAs ? recordedAs.data : report.data };
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
    dataschema: dataschemaOf(report.type, recordedAs ? recordedAs.version : currentVersionOf(report.type)),
    data,
  };
}

/**
 * The JSON Schema (draft 2020-12 keywords that draft-07 also reads, no `$schema`) of the CloudEvent
 * of each event type in its current version, derived from the domain's report schemas: `id`, `type`
 * and `subject` move to the envelope (the id becomes required), the rest of the report is `data`.
 * What {@link fromCloudEvent} accepts, less the cross-field rules JSON Schema cannot say.
 */
export function cloudEventJsonSchemas(): Record<EventType, Record<string, unknown>> {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, cloudEventJsonSchemaIn(type, currentVersionOf(type))])) as Record<EventType, Record<string, unknown>>;
}

/** The CloudEvent JSON Schema of every earlier version of the types that have one, by type then version. */
export function earlierCloudEventJsonSchemas(): { type: EventType; version: number; schema: Record<string, unknown> }[] {
  return (Object.keys(EVENT_VERSIONS) as EventType[]).flatMap((type) =>
    Array.from({ length: currentVersionOf(type) - 1 }, (_, i) => ({ type, version: i + 1, schema: cloudEventJsonSchemaIn(type, i + 1) })),
  );
}

function cloudEventJsonSchemaIn(type: EventType, version: number): Record<string, unknown> {
  const report = eventJsonSchemaIn(type, version) as { properties: Record<string, object>; required: string[]; deprecated?: boolean };
  const { id, type: typeSchema, subject, ...rest } = report.properties;
  const current = currentVersionOf(type);
  const deprecated = DEPRECATED_VERSIONS.find((d) => d.type === type && d.version === version);
  const dataschema = dataschemaOf(type, version);
  return {
    title: version === current ? type : `${type} (version ${version})`,
    ...(version < current
      ? {
          deprecated: true,
          description: `Version ${version} of ${type}: the projector reads it (upcast to version ${current}) for good${deprecated ? `; publish version ${current}, as HTTP accepts version ${version} only through ${deprecated.acceptedUntil}` : `; publish version ${current}`}`,
        }
      : {}),
    type: 'object',
    properties: {
      specversion: { type: 'string', const: '1.0' },
      id: { ...id, description: 'The report id: the idempotency key' },
      type: typeSchema,
      source: { type: 'string', minLength: SOURCE_PREFIX.length + 1, pattern: `^${SOURCE_PREFIX}${STORABLE_TEXT_PATTERN.source.slice(1)}`, description: `\`${SOURCE_PREFIX}<ingestor>\`: the name of the API key that sent the report` },
      subject: { ...subject, description: 'Also the message key' },
      time: { type: 'string', format: 'date-time', description: 'Ignored: recordedAt is the time the broker appended the message (the events topic uses LogAppendTime)' },
      datacontenttype: { type: 'string', const: 'application/json' },
      dataschema: {
        type: 'string',
        const: dataschema,
        description: version === 1 ? 'The version of the type `data` is in; absent, version 1' : `The version of the type \`data\` is in: required, since a message without it is of version 1`,
      },
      data: {
        type: 'object',
        properties: rest,
        required: report.required.filter((k) => k in rest),
        additionalProperties: false,
        description: 'The rest of the report',
      },
    },
    required: ['specversion', 'id', 'type', 'source', 'subject', ...(version > 1 ? ['dataschema'] : []), 'data'],
  };
}

/**
 * Why a message of the events topic is refused: the dead letter's `reason` starts with one of
 * these, so an operator can filter on it.
 */
export const REFUSALS = {
  invalid: 'invalid',
  wrongPartition: 'wrong_partition',
} as const;

export type DecodeResult =
  | { ok: true; event: RecordedEvent }
  | { ok: false; reason: string; issues: ValidationIssue[] };

function fail(reason: string, issues: ValidationIssue[] = []): DecodeResult {
  return { ok: false, reason, issues };
}

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition Kafka's default partitioner (murmur2, as the ingest API and the Java clients use)
 * gives a subject on a topic of `partitions` partitions: where all of its events must be, for
 * their order to hold.
 */
export function subjectPartition(subject: string, partitions: number): number {
  // Asked for every message decoded, and a subject's messages come in runs: murmur2 once per
  // subject. Bounded by starting afresh, which costs one recomputation per subject.
  const memo = partitionMemo(partitions);
  let partition = memo.get(subject);
  if (partition === undefined) {
    partition = partitioner({ topic: '', partitionMetadata: metadataOf(partitions), message: { key: subject, value: null } });
    if (memo.size >= PARTITION_MEMO_SIZE) memo.clear();
    memo.set(subject, partition);
  }
  return partition;
}

const PARTITION_MEMO_SIZE = 50_000;
const memoByCount = new Map<number, Map<string, number>>();
function partitionMemo(partitions: number): Map<string, number> {
  let memo = memoByCount.get(partitions);
  if (!memo) memoByCount.set(partitions, (memo = new Map()));
  return memo;
}

/** A topic's partition list as the partitioner reads it, made once per count: it is asked for every message decoded. */
const metadataByCount = new Map<number, PartitionMetadata[]>();
function metadataOf(partitions: number): PartitionMetadata[] {
  let metadata = metadataByCount.get(partitions);
  if (!metadata) {
    metadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    metadataByCount.set(partitions, metadata);
  }
  return metadata;
}

/** Where a message sits: its position, Kafka timestamp and key, and how many partitions its topic has. */
export interface MessagePlacement {
  partition: number;
  offset: string;
  /** The Kafka timestamp, as an ISO instant. */
  timestamp?: string;
  /**
   * True when `timestamp` is the broker's append time (the events topic's
   * `message.timestamp.type=LogAppendTime`): it is then recordedAt, whatever `time` says. Messages
   * appended before the topic was so configured keep the older rule: `time`, else `timestamp`.
   */
  appendTime?: boolean;
  /** The message key; when given (also as null), it must be the subject. */
  key?: string | null;
}

/**
 * Reads a message value from the events topic, whoever wrote it (the ingest API or an ingestor
 * publishing directly), and validates it exactly like an HTTP report (a valid one by the compiled
 * check of {@link validateParsedReport}).
 * @param at - the message's position, and its Kafka timestamp (recordedAt when it is the broker's append time)
 * @param partitions - the topic's partition count; when given, the message must be on its subject's partition
 */
export function fromCloudEvent(
  value: Buffer | string | null,
  at: MessagePlacement,
  partitions?: number,
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
  } else if (!isStorableText(ce.source)) {
    // PostgreSQL cannot store it: such an event would be retried forever instead of dead-lettered.
    issues.push({ path: 'source', message: 'must not contain the NUL character (\\u0000) or a lone UTF-16 surrogate, which cannot be stored' });
  }
  const recordedAt = recordedAtOf(ce.time, at);
  if (recordedAt === undefined) {
    issues.push({ path: 'time', message: 'must be an RFC 3339 instant between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, such as "2025-05-23T10:00:00Z"' });
  }
  if (typeof ce.data !== 'object' || ce.data === null || Array.isArray(ce.data)) {
    issues.push({ path: 'data', message: 'must be an object with source, confirmation and data' });
  }
  if (typeof ce.id !== 'string') issues.push({ path: 'id', message: 'must be the report id (a string)' });
  // An unknown type is the validation's to word; a known one's dataschema must name one of its versions.
  const type = isEventType(ce.type) ? ce.type : undefined;
  const version = type ? versionNamed(type, ce.dataschema) : undefined;
  if (type && version === undefined) {
    const known = Array.from({ length: currentVersionOf(type) }, (_, i) => JSON.stringify(dataschemaOf(type, i + 1))).join(' or ');
    issues.push({ path: 'dataschema', message: `must be ${known}, or absent for version 1` });
  }
  if (issues.length > 0) return fail('not a valid newsledger CloudEvent', issues);

  // Both objects were made for this call (parsed here, output by the validator): completed in
  // place, since copying them is a fifth of the cost of decoding on the projector's hot path.
  const candidate = ce.data as Record<string, unknown>;
  candidate.id = ce.id;
  candidate.type = ce.type;
  candidate.subject = ce.subject;
  const checked = validateParsedReport(candidate, version);
  if (!checked.ok) return fail('report failed validation', version === 1 && ce.dataschema === undefined ? [...checked.issues, ...versionHint(ce.type)] : checked.issues);
  const misplaced = misplacement(ce.subject as string, at, partitions);
  if (misplaced) return fail(`${REFUSALS.wrongPartition}: ${misplaced}`, [{ path: 'subject', message: misplaced }]);
  const event = checked.report as unknown as Record<string, unknown>;
  event.id = ce.id;
  event.ingestor = (ce.source as string).slice(SOURCE_PREFIX.length);
  event.recordedAt = recordedAt;
  event.position = { partition: at.partition, offset: at.offset };
  return { ok: true, event: event as unknown as RecordedEvent };
}

/** For a message without `dataschema` that fails as version 1 of a type that has a later one: how to say which it is. */
function versionHint(type: unknown): ValidationIssue[] {
  if (!isEventType(type) || currentVersionOf(type) === 1) return [];
  const current = currentVersionOf(type);
  return [{ path: 'dataschema', message: `is absent, so data was read as version 1 of ${type}; data of version ${current} needs "dataschema":"${dataschemaOf(type, current)}"` }];
}

/**
 * When the event was recorded: the broker's append time on a LogAppendTime topic, so no producer
 * can say when its report was recorded. Only a message appended before that (CreateTime) is read
 * as it was then, from `time` or else its timestamp, so histories already recorded keep their times.
 */
function recordedAtOf(ceTime: unknown, at: MessagePlacement): string | undefined {
  // The message timestamp is read only when needed: a log message decodes it on each read.
  const time = at.appendTime ? at.timestamp : ceTime ?? at.timestamp;
  return typeof time !== 'string' ? undefined : CANONICAL_INSTANT.test(time) ? time : isoInstant(time);
}

/**
 * Why a valid event is in the wrong place, if it is: a subject's events must share one partition
 * (its key is its subject), or its views would follow another order than its history.
 */
function misplacement(subject: string, at: MessagePlacement, partitions: number | undefined): string | undefined {
  if (at.key !== undefined && at.key !== subject) {
    return `the message key must be the subject "${subject}", not ${at.key === null ? 'absent' : JSON.stringify(at.key.slice(0, 120))}`;
  }
  if (partitions !== undefined) {
    const expected = subjectPartition(subject, partitions);
    if (expected !== at.partition) return `the subject's events belong on partition ${expected}, not ${at.partition}: publish with the subject as key and Kafka's default partitioner`;
  }
  return undefined;
}

/**
 * `time` as `toISOString` writes it, or undefined when it is no instant or lies outside the range
 * PostgreSQL stores as written (year 0000, or "+010000-…").
 */
function isoInstant(time: string): string | undefined {
  const ms = Date.parse(time);
  return isStorableInstant(ms) ? new Date(ms).toISOString() : undefined;
}

/**
 * An instant already as `toISOString` writes it (what the ingest API appends), kept as it is. Days
 * past the 28th and anything else go through `Date`, which rolls "02-30" or "24:00" over as before.
 */
const CANONICAL_INSTANT = /^(?!0000)\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
