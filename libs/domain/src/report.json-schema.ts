import { z } from 'zod';
import { currentVersionOf, DEPRECATED_VERSIONS, EVENT_TYPES, EVENT_VERSIONS, type EventType } from './event.catalogue';
import { REPORT_SCHEMAS, reportSchemaIn } from './report.schema';

/**
 * The JSON Schema (draft 2020-12) of a whole report of each event type, as served at
 * `/v1/schemas`: `type` is a constant, `subject` is restricted to the type's kind and
 * `data` is that type's data. Cross-field rules (e.g. `releasedBy` naming only listed
 * parties) cannot be expressed in JSON Schema; {@link validateReport} is the authority.
 *
 * Built fresh on each call, so callers may mutate the result.
 */
export function eventJsonSchemas(): Record<EventType, object> {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, z.toJSONSchema(REPORT_SCHEMAS[type])])) as Record<
    EventType,
    object
  >;
}

/**
 * The JSON Schema of a report of `type` in one of its versions (the current one is
 * {@link eventJsonSchemas}'), or undefined when the type has no such version. A deprecated
 * version says so (`deprecated`, and until when HTTP accepts it).
 */
export function eventJsonSchemaIn(type: EventType, version: number): Record<string, unknown> | undefined {
  const schema = reportSchemaIn(type, version);
  if (!schema) return undefined;
  const json = z.toJSONSchema(schema) as Record<string, unknown>;
  if (version === currentVersionOf(type)) return json;
  const deprecated = DEPRECATED_VERSIONS.find((d) => d.type === type && d.version === version);
  return {
    ...json,
    deprecated: true,
    description: deprecated
      ? `Version ${version} of ${type}, deprecated: accepted over HTTP through ${deprecated.acceptedUntil}; send version ${currentVersionOf(type)}`
      : `Version ${version} of ${type}: read from the log, no longer accepted over HTTP; send version ${currentVersionOf(type)}`,
  };
}

/**
 * Every version of the types that have more than one, by type then version (`"1"`, `"2"`, …): what
 * `/v1/schemas` publishes beside the current schemas.
 */
export function eventJsonSchemaVersions(): Record<string, Record<string, object>> {
  return Object.fromEntries(
    (Object.keys(EVENT_VERSIONS) as EventType[]).map((type) => [
      type,
      Object.fromEntries(Array.from({ length: currentVersionOf(type) }, (_, i) => [String(i + 1), eventJsonSchemaIn(type, i + 1)!])),
    ]),
  );
}
