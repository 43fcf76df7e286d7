import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import { eventJsonSchemas } from './report.json-schema';
import { isEventType, type EventType } from './event.catalogue';
import { SOURCE_SCHEMA, strayReleasedParties } from './report.schema';
import { validateReport, type ValidationResult } from './report.validation';

let compiled: Record<EventType, ValidateFunction> | undefined;

/** The report JSON Schemas (the ones `/v1/schemas` serves) compiled to code, once. */
function validators(): Record<EventType, ValidateFunction> {
  compiled ??= (() => {
    const ajv = new Ajv2020({
      // Lengths are counted in code points, as zod counts them: ajv's default.
      // Formats are backed by patterns in these schemas, except `uri`, which is checked below.
      validateFormats: false,
      // Keywords such as `examples` are documentation.
      strict: false,
    });
    const schemas = eventJsonSchemas();
    return Object.fromEntries(Object.entries(schemas).map(([type, schema]) => [type, ajv.compile(schema)])) as Record<EventType, ValidateFunction>;
  })();
  return compiled;
}

const sourceUrl = SOURCE_SCHEMA.shape.url;

/**
 * Whether a report parsed from JSON is valid, by the compiled JSON Schema of its type plus the
 * rules JSON Schema cannot say (releasedBy naming only listed parties, the source URL). It never
 * says yes when {@link validateReport} says no, and says no to a valid report only when a party
 * map holds a `"__proto__"` key (which zod skips) or the source URL is one zod cleans: the specs
 * hold this over mutated reports.
 */
export function compiledReportCheck(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const report = input as { type?: unknown; data?: { parties?: unknown; releasedBy?: unknown }; source?: { url?: unknown } };
  if (!isEventType(report.type) || !validators()[report.type](input)) return false;
  if (report.data && strayReleasedParties(report.data).length > 0) return false;
  if (report.source?.url === undefined) return true;
  // zod trims a URL and drops tabs and newlines from it: such a report goes the slow way, to be cleaned.
  const url = sourceUrl.safeParse(report.source.url);
  return url.success && url.data === report.source.url;
}

/**
 * {@link validateReport} for a report parsed from JSON (a message on the log): a valid one is
 * accepted by {@link compiledReportCheck}, about fifteen times faster, and returned as given (not a
 * copy: its keys keep the sender's order); any other goes through validateReport, for its issues.
 */
export function validateParsedReport(input: unknown): ValidationResult {
  if (compiledReportCheck(input)) return { ok: true, report: input as Extract<ValidationResult, { ok: true }>['report'] };
  return validateReport(input);
}
