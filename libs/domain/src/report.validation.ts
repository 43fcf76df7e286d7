import { z } from 'zod';
import { DEPRECATED_VERSIONS, EVENT_TYPES, isEventType } from './event.catalogue';
import { upcast, type RecordedAs } from './event.upcast';
import { reportErrorMap } from './report.wording';
import { ENVELOPE_SCHEMA, REPORT_SCHEMAS, reportSchemaIn, type ReportInput } from './report.schema';

/** One thing wrong with a report, worded for the person who sent it. */
export interface ValidationIssue {
  /** Where, e.g. `data.parties[0]` or `source.kind`; `""` is the report itself. */
  path: string;
  /** What is wrong and how to fix it, e.g. `must be an ISO 3166 alpha-2 country code in upper case, such as "UA"`. */
  message: string;
}

/** The outcome of {@link validateReport}. */
export type ValidationResult = { ok: true; report: ReportInput & { recordedAs?: RecordedAs } } | { ok: false; issues: ValidationIssue[] };

/**
 * Checks an untrusted report (HTTP body or Kafka message) against the contract.
 *
 * Every problem is returned at once so an ingestor can fix a report in one go. An unknown
 * `type` is one issue listing the known types (its `data` cannot be checked then; the rest
 * of the envelope still is). A retraction of an unknown event cannot be seen here: the
 * caller checks `data.eventId` against the subject's events.
 *
 * @param version - the version of its type the data is in (a log message's `dataschema`). Absent
 *   (HTTP): the current version, or else a deprecated one still accepted; the problems listed are
 *   then the current version's.
 * @returns the report as given (strings keep their precision), its data upcast to the current
 *   version with what was sent in `recordedAs` when it was in an earlier one; or the issues.
 */
export function validateReport(input: unknown, version?: number): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail([{ path: '', message: 'must be a JSON object: the report, such as {"type":"exchange.underway","subject":"exchange/…",…}' }]);
  }
  const type = (input as Record<string, unknown>).type;
  if (!isEventType(type)) {
    const envelope = ENVELOPE_SCHEMA.safeParse(input, { error: reportErrorMap });
    const rest = envelope.success ? [] : toIssues(envelope.error.issues, ENVELOPE_SCHEMA, undefined).filter((i) => i.path !== 'type');
    return fail([{ path: 'type', message: unknownTypeMessage(type) }, ...rest]);
  }
  const schema: z.ZodType | undefined = version === undefined ? REPORT_SCHEMAS[type] : reportSchemaIn(type, version);
  if (!schema) return fail([{ path: 'type', message: `${type} has no version ${version}` }]);
  const parsed = schema.safeParse(input, { error: reportErrorMap });
  if (parsed.success) return { ok: true, report: version === undefined ? (parsed.data as ReportInput) : upcast(parsed.data as ReportInput, version) };
  if (version === undefined) {
    for (const deprecated of DEPRECATED_VERSIONS) {
      if (deprecated.type !== type) continue;
      const earlier = reportSchemaIn(type, deprecated.version)!.safeParse(input, { error: reportErrorMap });
      if (earlier.success) return { ok: true, report: upcast(earlier.data as ReportInput, deprecated.version) };
    }
  }
  return fail(toIssues(parsed.error.issues, schema, type));
}

/**
 * The deprecated version a report was accepted in over HTTP, or undefined when it is valid in the
 * current version (or not valid at all): what the ingest API's answer warns of.
 */
export function deprecatedVersionOf(input: unknown): (typeof DEPRECATED_VERSIONS)[number] | undefined {
  const type = (input as { type?: unknown } | null)?.type;
  // Only types with a deprecated version are checked again: every other report costs nothing here.
  if (!DEPRECATED_VERSIONS.some((d) => d.type === type)) return undefined;
  const checked = validateReport(input);
  if (!checked.ok || !checked.report.recordedAs) return undefined;
  const { version } = checked.report.recordedAs;
  return DEPRECATED_VERSIONS.find((d) => d.type === type && d.version === version);
}

function fail(issues: ValidationIssue[]): ValidationResult {
  if (issues.length <= MAX_ISSUES) return { ok: false, issues };
  // A report of a hundred thousand unknown keys is answered in a page, not in megabytes.
  const more = { path: '', message: `and ${issues.length - MAX_ISSUES} more problems of the same kinds; fix those listed first` };
  return { ok: false, issues: [...issues.slice(0, MAX_ISSUES), more] };
}
const MAX_ISSUES = 50;

function unknownTypeMessage(type: unknown): string {
  const known = `known types: ${EVENT_TYPES.join(', ')}`;
  if (type === undefined) return `is required; ${known}`;
  if (typeof type !== 'string') return `must be a string naming an event type; ${known}`;
  const close = closest(type, EVENT_TYPES);
  return `${quoted(type)} is not a known event type${close ? ` (did you mean "${close}"?)` : ''}; ${known}`;
}

/** Flattens zod issues into one {@link ValidationIssue} per problem, unknown keys one by one. */
function toIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, type: string | undefined): ValidationIssue[] {
  return issues.flatMap((issue): ValidationIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(schema, issue.path);
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: unknownKeyMessage(key, placeOf(issue.path, type), allowed),
      }));
    }
    if (issue.code === 'invalid_key') {
      const inner = issue.issues.map((i) => i.message).join('; ');
      const key = issue.path[issue.path.length - 1];
      return [{ path: formatPath(issue.path), message: `key ${quoted(String(key))} ${inner}` }];
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

function placeOf(path: readonly PropertyKey[], type: string | undefined): string {
  if (path.length === 0) return 'the report';
  if (path.length === 1 && path[0] === 'data' && type) return `${type} data`;
  return formatPath(path);
}

function unknownKeyMessage(key: string, place: string, allowed: readonly string[]): string {
  if (allowed.length === 0) return `is not a field of ${place}`;
  const close = closest(key, allowed);
  const hint = close ? `did you mean "${close}"? ` : '';
  return `is not a field of ${place}; ${hint}allowed: ${allowed.join(', ')}`;
}

/** The keys a strict object at `path` accepts, read from the schema itself so they never drift. */
function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const segment of path) {
    node = unwrap(node);
    if (!(node instanceof z.ZodObject) || typeof segment !== 'string') return [];
    node = (node.shape as Record<string, unknown>)[segment];
  }
  node = unwrap(node);
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrap(node: unknown): unknown {
  return node instanceof z.ZodOptional ? node.unwrap() : node;
}

/** `["data","parties",0]` → `data.parties[0]`; odd keys are quoted: `data.releasedBy["u a"]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && segment.length <= QUOTED_MAX && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${quoted(String(segment))}]`;
  }
  return out;
}

/** A string as JSON, cut short: an answer echoes what was sent, not megabytes of it. */
function quoted(text: string): string {
  return JSON.stringify(text.length > QUOTED_MAX ? `${text.slice(0, QUOTED_MAX)}…` : text);
}
const QUOTED_MAX = 64;

/** The candidate within edit distance 2 (case-insensitive), for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    // The distance is at least the difference in length: a long word is not compared at all,
    // which keeps a megabyte-long type or key from costing seconds.
    if (Math.abs(word.length - candidate.length) > 2) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
