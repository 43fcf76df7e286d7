import { NEGOTIATION_STATUSES, negotiationStatusFrom } from './negotiation-status';
import { NEGOTIATION_STATUS_REPORTS } from './event.catalogue';

describe('where a negotiation stands', () => {
  it('is what the latest status report says, resumed talks being active again', () => {
    expect(NEGOTIATION_STATUS_REPORTS.map((report) => [report, negotiationStatusFrom(report, false)])).toEqual([
      ['stalled', 'stalled'],
      ['collapsed', 'collapsed'],
      ['concluded', 'concluded'],
      ['resumed', 'active'],
    ]);
  });

  it('whether or not a round was held', () => {
    for (const report of NEGOTIATION_STATUS_REPORTS) expect(negotiationStatusFrom(report, true)).toBe(negotiationStatusFrom(report, false));
  });

  it('is active once a round is held and scheduled before, while no status is reported', () => {
    expect(negotiationStatusFrom(undefined, true)).toBe('active');
    expect(negotiationStatusFrom(undefined, false)).toBe('scheduled');
  });

  it('reaches every status', () => {
    const reached = new Set([undefined, ...NEGOTIATION_STATUS_REPORTS].flatMap((r) => [negotiationStatusFrom(r, true), negotiationStatusFrom(r, false)]));
    expect([...reached].sort()).toEqual([...NEGOTIATION_STATUSES].sort());
  });
});
