import { EVENT_TYPES, eventJsonSchemas } from './index';

describe('eventJsonSchemas', () => {
  const schemas = eventJsonSchemas() as Record<string, Record<string, any>>;

  it('has a draft 2020-12 schema for every event type', () => {
    expect(Object.keys(schemas)).toEqual([...EVENT_TYPES]);
    for (const type of EVENT_TYPES) {
      expect(schemas[type]).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        required: expect.arrayContaining(['type', 'subject', 'source', 'confirmation', 'data']),
      });
      expect(schemas[type]!.properties.type).toEqual({ type: 'string', const: type });
    }
  });

  it('restricts the subject to the kind of the type', () => {
    const accepts = (type: string, subject: string) => new RegExp(schemas[type]!.properties.subject.pattern).test(subject);
    expect(accepts('exchange.agreed', 'exchange/ua-ru-1')).toBe(true);
    expect(accepts('exchange.agreed', 'negotiation/ua-ru-1')).toBe(false);
    expect(accepts('negotiation.round.held', 'negotiation/ua-ru-1')).toBe(true);
    expect(accepts('negotiation.round.held', 'exchange/ua-ru-1')).toBe(false);
    expect(accepts('report.retracted', 'exchange/ua-ru-1') && accepts('report.retracted', 'negotiation/ua-ru-1')).toBe(true);
    expect(accepts('report.retracted', 'exchange/UA')).toBe(false);
  });

  it('describes the data of each type strictly', () => {
    expect(schemas['exchange.phase.completed']!.properties.data).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['phase', 'releasedBy'],
      properties: { releasedBy: { type: 'object', propertyNames: { pattern: '^[A-Z]{2}$' } } },
    });
  });

  it('returns fresh objects on each call', () => {
    const first = eventJsonSchemas();
    (first as Record<string, object>)['exchange.agreed'] = {};
    expect(eventJsonSchemas()['exchange.agreed']).toHaveProperty('properties');
  });
});
