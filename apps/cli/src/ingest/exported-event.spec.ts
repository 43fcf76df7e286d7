import { reportOfLine } from './exported-event';

const exported = {
  eventId: 'swap-agreed', type: 'exchange.agreed', subject: 'exchange/ua-ru-2025-05-1000', occurredAt: '2025-05-16', recordedAt: '2025-05-16T10:00:00.000Z',
  ingestor: 'kyiv-desk', source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { parties: ['UA', 'RU'] }, dataschema: 'urn:newsledger:schema:exchange.agreed:v1', note: null,
  position: { partition: 3, offset: '17' }, retracted: false, retractedBy: null,
};

describe('an exported event ingested again', () => {
  it('is its report under its eventId, without what the log added or the nulls of absent fields', () => {
    expect(reportOfLine(exported)).toEqual({
      id: 'swap-agreed', type: 'exchange.agreed', subject: 'exchange/ua-ru-2025-05-1000', occurredAt: '2025-05-16',
      source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { parties: ['UA', 'RU'] },
    });
  });

  it('leaves a report, or anything else, as it is', () => {
    const report = { id: 'x', type: 'exchange.agreed', recordedAt: '2025-05-16T10:00:00Z' };
    expect(reportOfLine(report)).toBe(report);
    expect(reportOfLine([1])).toEqual([1]);
    expect(reportOfLine('text')).toBe('text');
  });
});
