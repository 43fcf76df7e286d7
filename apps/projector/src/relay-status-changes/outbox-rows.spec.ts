import { decodeStatusChange } from '@newsledger/event-log';
import { OutboxRow, relayMessages } from './outbox-rows';

function row(seq: number, subject: string, over: Partial<OutboxRow> = {}): OutboxRow {
  return {
    id: `ev-${seq}:status`, seq: String(seq), subject, field: 'status', from_value: null, to_value: 'proposed',
    caused_by: `ev-${seq}`, retraction_of: null, recorded_at: new Date(Date.UTC(2025, 4, 23, 10, 0, seq)), payload: null, ...over,
  };
}

describe('relayMessages', () => {
  it('chains each message to the one before it, the first to the feed position before the run', () => {
    const messages = relayMessages([row(7, 'exchange/a'), row(9, 'exchange/b'), row(12, 'exchange/a')], 5);
    const decoded = messages.map((m) => decodeStatusChange(m.value, m.headers ?? {}));
    expect(decoded.map((d) => (d.ok ? d.at : d.reason))).toEqual([{ seq: 7, prevSeq: 5 }, { seq: 9, prevSeq: 7 }, { seq: 12, prevSeq: 9 }]);
    expect(messages.map((m) => m.key)).toEqual(['exchange/a', 'exchange/b', 'exchange/a']);
  });

  it('gives a re-relayed row the very same message, so a duplicate is recognisable', () => {
    const rows = [row(3, 'exchange/a', { retraction_of: 'ev-1' })];
    expect(relayMessages(rows, 2)).toEqual(relayMessages(rows, 2));
    expect(JSON.parse(relayMessages(rows, 2)[0].value)).toMatchObject({ id: 'ev-3:status', retractionOf: 'ev-1', recordedAt: '2025-05-23T10:00:03.000Z' });
  });

  it("sends a row's payload (cause, level, reason; a dispute's values) with its columns", () => {
    const payload = { fact: 'released.RU', from: [150, 189], to: null, cause: { eventId: 'ev-4' }, level: null, reason: 'released.RU became disputed.' };
    const [m] = relayMessages([row(4, 'exchange/a', { id: 'ev-4:dispute:released.RU', field: 'dispute', payload })], 3);
    expect(JSON.parse(m!.value)).toEqual({ id: 'ev-4:dispute:released.RU', subject: 'exchange/a', field: 'dispute', causedBy: 'ev-4', recordedAt: '2025-05-23T10:00:04.000Z', ...payload });
  });
});
