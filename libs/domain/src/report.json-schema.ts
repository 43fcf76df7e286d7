import { z } from 'zod';
import { EVENT_TYPES, type EventType } from './event.catalogue';
import { REPORT_SCHEMAS } from './report.schema';

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
