import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import { currentVersionOf, EVENT_TYPES, isEventType, type EventType } from './event.catalogue';
import { upcast } from './event.upcast';
import { eventJsonSchemaIn, eventJsonSchemas } from './report.json-schema';
import { SOURCE_SCHEMA, strayReleasedParties } from './report.schema';
import { validateReport, type ValidationResult } from './report.validation';

let compiled: Record<EventType, ValidateFunction> | undefined;
let ajv: Ajv2020 | undefined;
const earlier = new Map<string, ValidateFunction | undefined>();

function compiler(): Ajv2020 {
  ajv ??= new Ajv2020({
    // Lengths are counted in code points, as zod counts them: ajv's default.
    // Formats are backed by patterns in these schemas, except `uri`, which is checked below.
    validateFormats: false,
    // Keywords such as `examples` are documentation.
    strict: false,
  });
  return ajv;
}

/** The report JSON Schemas (the ones `/v1/schemas` serves) compiled to code, once; an earlier version's when first asked for. */
function validatorOf(type: EventType, version: number | undefined): ValidateFunction | undefined {
  if (version === undefined || version === currentVersionOf(type)) {
    compiled ??= Object.fromEntries(Object.entries(eventJsonSchemas()).map(([t, schema]) => [t, compiler().compile(schema)])) as Record<EventType, ValidateFunction>;
    return compiled[type];
  }
  const key = `${type}@${version}`;
  if (!earlier.has(key)) {
    const schema = eventJsonSchemaIn(type, version);
    earlier.set(key, schema && compiler().compile(schema));
  }
  return earlier.get(key);
}

/**
 * Compiles the current versions' validators now instead of at the first report: ajv's code
 * generation takes most of a second of CPU, which would otherwise fall on the first requests.
 */
export function compileReportValidators(): void {
  validatorOf(EVENT_TYPES[0], undefined);
}

const sourceUrl = SOURCE_SCHEMA.shape.url;

/**
 * Whether a report parsed from JSON is valid, by the compiled JSON Schema of its type plus the
 * rules JSON Schema cannot say (releasedBy naming only listed parties, the source URL). It never
 * says yes when {@link validateReport} says no, and says no to a valid report only when a party
 * map holds a `"__proto__"` key (which zod skips) or the source URL is one zod cleans: the specs
 * hold this over mutated reports.
 */
export function compiledReportCheck(input: unknown, version?: number): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const report = input as { type?: unknown; data?: { parties?: unknown; releasedBy?: unknown }; source?: { url?: unknown } };
  if (!isEventType(report.type)) return false;
  const validator = validatorOf(report.type, version);
  if (!validator?.(input)) return false;
  if (report.data && strayReleasedParties(report.data).length > 0) return false;
  if (report.source?.url === undefined) return true;
  // zod trims a URL and drops tabs and newlines from it: such a report goes the slow way, to be cleaned.
  const url = sourceUrl.safeParse(report.source.url);
  return url.success && url.data === report.source.url;
}

/**
 * {@link validateReport} for a report parsed from JSON (a message on the log): a valid one is
 * accepted by {@link compiledReportCheck}, about fifteen times faster, and returned as given (not a
 * copy: its keys keep the sender's order), upcast when `version` is an earlier one; any other goes
 * through validateReport, for its issues.
 * @param version - the version of its type the data is in (the message's `dataschema`); absent, validateReport's rule
 */
export function validateParsedReport(input: unknown, version?: number): ValidationResult {
  if (!compiledReportCheck(input, version)) return validateReport(input, version);
  const report = input as Extract<ValidationResult, { ok: true }>['report'];
  return { ok: true, report: version === undefined ? report : upcast(report, version) };
}
