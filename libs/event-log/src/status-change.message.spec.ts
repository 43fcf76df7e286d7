import { decodeStatusChange, encodeStatusChange, StatusChangeMessage, statusChangeJson } from './status-change.message';

const change: StatusChangeMessage = {
  id: 'ev-7:status',
  subject: 'exchange/ua-ru-2025-05-1000',
  field: 'status',
  from: 'agreed',
  to: 'underway',
  causedBy: 'ev-7',
  recordedAt: '2025-05-23T10:00:00.000Z',
};

describe('status-change messages', () => {
  it('are keyed by subject, carry the change id and position in headers, and decode back', () => {
    const m = encodeStatusChange(change, { seq: 42, prevSeq: 40 });
    expect(m.key).toBe(change.subject);
    expect(m.headers).toMatchObject({ 'newsledger-change-id': 'ev-7:status', 'newsledger-seq': '42', 'newsledger-prev-seq': '40' });
    expect(JSON.parse(m.value)).toEqual(change);
    expect(decodeStatusChange(Buffer.from(m.value), m.headers ?? {})).toEqual({ ok: true, change, at: { seq: 42, prevSeq: 40 } });
  });

  it('write the contract fields in order, and retractionOf only when a retraction caused the change', () => {
    expect(Object.keys(JSON.parse(statusChangeJson(change)))).toEqual(['id', 'subject', 'field', 'from', 'to', 'causedBy', 'recordedAt']);
    const undone = { ...change, id: 'ev-9:status', causedBy: 'ev-9', retractionOf: 'ev-7', from: 'underway', to: 'agreed' };
    expect(JSON.parse(statusChangeJson(undone))).toEqual(undone);
  });

  it('carry cause, level and reason after the contract fields, and the corroboration and dispute kinds with their own', () => {
    const cause = { eventId: 'ev-9', type: 'report.retracted' as const, confirmation: 'confirmed' as const, source: { name: 'Reuters', kind: 'agency' as const } };
    const explained: StatusChangeMessage = { ...change, id: 'ev-9:status', causedBy: 'ev-9', retractionOf: 'ev-7', cause, level: 'one-party', reason: 'Because.' };
    expect(Object.keys(JSON.parse(statusChangeJson(explained)))).toEqual(['id', 'subject', 'field', 'from', 'to', 'causedBy', 'recordedAt', 'retractionOf', 'cause', 'level', 'reason']);
    const dispute: StatusChangeMessage = { id: 'ev-9:dispute:released.RU', subject: change.subject, field: 'dispute', fact: 'released.RU', from: [150, 189], to: null, causedBy: 'ev-9', recordedAt: change.recordedAt, cause, level: null, reason: 'Ended.' };
    const m = encodeStatusChange(dispute, { seq: 43, prevSeq: 42 });
    expect(Object.keys(JSON.parse(m.value)).slice(0, 4)).toEqual(['id', 'subject', 'field', 'fact']);
    expect(decodeStatusChange(m.value, m.headers ?? {})).toEqual({ ok: true, change: dispute, at: { seq: 43, prevSeq: 42 } });
    const ladder = { ...dispute, id: 'ev-9:corroboration', field: 'corroboration', fact: undefined, stage: 'underway', from: 'single-source', to: 'one-party' };
    expect(decodeStatusChange(JSON.stringify(ladder), { 'newsledger-seq': '5', 'newsledger-prev-seq': '4' }).ok).toBe(true);
    expect(decodeStatusChange(JSON.stringify({ ...ladder, to: 'very sure' }), { 'newsledger-seq': '5', 'newsledger-prev-seq': '4' }).ok).toBe(false);
  });

  it.each([
    ['no position', '{}', {}],
    ['a position not after its predecessor', JSON.stringify(change), { 'newsledger-seq': '5', 'newsledger-prev-seq': '5' }],
    ['not JSON', '{', { 'newsledger-seq': '5', 'newsledger-prev-seq': '4' }],
    ['an unknown field name', JSON.stringify({ ...change, field: 'colour' }), { 'newsledger-seq': '5', 'newsledger-prev-seq': '4' }],
  ])('refuses %s', (_what, value, headers) => {
    expect(decodeStatusChange(value, headers).ok).toBe(false);
  });
});
