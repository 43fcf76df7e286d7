import { AuditError } from '../audit.error';
import { exportScopeOf } from './events.export';

function issuesOf(input: { subject?: string; from?: string; to?: string }): unknown[] {
  try {
    exportScopeOf(input);
  } catch (e) {
    if (e instanceof AuditError && e.is('invalid_audit_request')) return e.details.issues;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('export scope', () => {
  it('reads a window of instants with Z or an offset, to UTC', () => {
    expect(exportScopeOf({ from: '2025-05-23T03:00:00+03:00', to: '2025-05-24T00:00:00Z' })).toEqual({ from: '2025-05-23T00:00:00.000Z', to: '2025-05-24T00:00:00.000Z' });
    expect(exportScopeOf({ from: '2025-05-23T03:00+03:00', to: '2025-05-24T00:00Z' })).toEqual({ from: '2025-05-23T00:00:00.000Z', to: '2025-05-24T00:00:00.000Z' });
    expect(exportScopeOf({ subject: 'exchange/ua-ru-1' })).toEqual({ subject: 'exchange/ua-ru-1' });
  });

  it('refuses instants without an offset and impossible dates, which would otherwise roll over', () => {
    for (const from of ['2025-05-23T10:00:00', '2025-05-23T10:00', '2025-02-30T00:00:00Z', '2025-02-30T00:00Z', '2025-04-31T00:00:00+02:00', '2025-02-30', '2025-05']) {
      expect(issuesOf({ from })).toEqual([{ path: 'from', message: `must be an instant with Z or an offset, to the second or the minute, such as 2025-05-23T10:00:00Z, 2025-05-23T13:00:00+03:00 or 2025-05-23T10:00Z, between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, or a date YYYY-MM-DD (the whole day, UTC); got "${from}"` }]);
    }
  });

  it('reads a plain date as the whole day: from its start, to its end (to is exclusive)', () => {
    expect(exportScopeOf({ from: '2025-05-23', to: '2025-05-23' })).toEqual({ from: '2025-05-23T00:00:00.000Z', to: '2025-05-24T00:00:00.000Z' });
    expect(exportScopeOf({ from: '2025-05-01', to: '2025-05-31' })).toEqual({ from: '2025-05-01T00:00:00.000Z', to: '2025-06-01T00:00:00.000Z' });
  });
});
