import { DEPRECATED_VERSIONS, EVENT_TYPES, eventJsonSchemas } from '@newsledger/domain';
import { apiSchema, withoutDialect } from '@newsledger/http';

/**
 * The report body in the API document: one component per event type, straight from the domain's
 * zod schemas, chosen by `type`. The body itself is validated by `validateReport`.
 */
export const REPORT_REF = apiSchema('Report', () => {
  const schemas = eventJsonSchemas();
  const refs = Object.fromEntries(EVENT_TYPES.map((type) => [type, apiSchema(type, () => withoutDialect(schemas[type])).$ref]));
  return {
    description:
      'A report (contract section 2): `type` picks the shape of `data` and the kind of `subject`; `id` is the idempotency key (assigned when absent). ' +
      'Each type is shown in its current version. Deprecated, still accepted and recorded as sent: ' +
      DEPRECATED_VERSIONS.map((d) => `version ${d.version} of ${d.type} through ${d.acceptedUntil} (/v1/schemas/${d.type}/versions/${d.version})`).join(', ') +
      '.',
    oneOf: Object.values(refs).map(($ref) => ({ $ref })),
    discriminator: { propertyName: 'type', mapping: refs },
  };
});
