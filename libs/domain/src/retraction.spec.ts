import { retractionRefusal } from './retraction';

describe('what a retraction may withdraw', () => {
  const retraction = { id: 'r-1', subject: 'exchange/ua-ru-1' };
  const report = { subject: 'exchange/ua-ru-1', type: 'exchange.agreed' };

  it('withdraws a live event of the same subject', () => {
    expect(retractionRefusal(retraction, report)).toBeNull();
    expect(retractionRefusal(retraction, { ...report, retractedBy: null })).toBeNull();
  });

  it('refuses an event not on record', () => {
    expect(retractionRefusal(retraction, undefined)).toEqual({ code: 'unknown_event' });
  });

  it('refuses an event of another subject', () => {
    expect(retractionRefusal(retraction, { ...report, subject: 'exchange/ua-ru-2' })).toEqual({ code: 'other_subject', subject: 'exchange/ua-ru-2' });
  });

  it('refuses a retraction, whoever retracted it', () => {
    expect(retractionRefusal(retraction, { ...report, type: 'report.retracted' })).toEqual({ code: 'retracts_retraction' });
  });

  it('refuses an event another retraction withdrew, and not a resend of the one that did', () => {
    expect(retractionRefusal(retraction, { ...report, retractedBy: 'r-0' })).toEqual({ code: 'already_retracted', by: 'r-0' });
    expect(retractionRefusal(retraction, { ...report, retractedBy: 'r-1' })).toBeNull();
  });
});
