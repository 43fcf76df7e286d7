import { recorder } from './event.fixture';
import {
  DomainError,
  evolve,
  initialState,
  isKnownAt,
  occurredUntil,
  replay,
  replayAt,
  snapshotServes,
  toView,
  type RecordedEvent,
  type SubjectState,
} from './index';

const SUBJECT = 'exchange/ua-ru-pit';

/** Rewrites recordedAt, to build logs whose clock runs backwards between ingest servers. */
function recordedAt(event: RecordedEvent, at: string): RecordedEvent {
  return { ...event, recordedAt: at };
}

describe('point in time', () => {
  let record: ReturnType<typeof recorder>;
  beforeEach(() => {
    record = recorder(SUBJECT, '2025-05-23T08:00:00.000Z');
  });

  it('asOf keeps the events recorded up to the instant, in log order', () => {
    const agreed = record('exchange.agreed', { parties: ['UA', 'RU'] }); // 08:00
    const underway = record('exchange.underway', {}); // 08:01
    const events = [agreed, underway];
    expect(toView(replayAt(SUBJECT, events, { asOf: '2025-05-23T08:00:30Z' })).status).toBe('agreed');
    expect(toView(replayAt(SUBJECT, events, { asOf: '2025-05-23T08:01:00Z' })).status).toBe('underway');
    expect(replayAt(SUBJECT, events, {})).toEqual(replay(SUBJECT, events));
  });

  it('validAt keeps reports by occurrence at their precision, recordedAt standing in when absent', () => {
    const agreed = record('exchange.agreed', { parties: ['UA', 'RU'] }, { occurredAt: '2025-05-16' });
    const underway = record('exchange.underway', {}, { occurredAt: '2025-05' });
    const completed = record('exchange.completed', {}); // occurred when recorded: 2025-05-23T08:02
    const events = [agreed, underway, completed];
    expect(toView(replayAt(SUBJECT, events, { validAt: '2025-04-30' })).status).toBeNull();
    // "2025-05" counts from May 1st, so it is known on the 1st already.
    expect(toView(replayAt(SUBJECT, events, { validAt: '2025-05-01' })).status).toBe('underway');
    expect(toView(replayAt(SUBJECT, events, { validAt: '2025-05-22' })).status).toBe('underway');
    expect(toView(replayAt(SUBJECT, events, { validAt: '2025-05-23' })).status).toBe('completed');
    expect(toView(replayAt(SUBJECT, events, { validAt: '2025-05-23T08:01:59Z' })).status).toBe('underway');
  });

  it('validAt always applies retractions, asOf only those recorded by then', () => {
    const completed = record('exchange.completed', {}, { occurredAt: '2025-05-20' });
    const retraction = record('report.retracted', { eventId: completed.id, reason: 'too early' }, { occurredAt: '2025-06-01' });
    const events = [completed, retraction];
    expect(toView(replayAt(SUBJECT, events, { validAt: '2025-05-21' })).status).toBeNull();
    expect(toView(replayAt(SUBJECT, events, { validAt: '2025-05-21', asOf: completed.recordedAt })).status).toBe('completed');
  });

  it('a snapshot serves a question only when every event folded into it counts', () => {
    const first = record('exchange.agreed', { parties: ['UA', 'RU'] }, { occurredAt: '2025-05-16' });
    // Recorded by an ingest server whose clock is behind: earlier recordedAt, later in the log.
    const second = recordedAt(record('exchange.underway', {}, { occurredAt: '2025-05-23' }), '2025-05-23T07:00:00.000Z');
    const third = record('exchange.completed', {}, { occurredAt: '2025-05-24' });
    const snapshot = replay(SUBJECT, [first, second]);
    const bounds = { maxRecordedAt: snapshot.lastRecordedAt, occurredUntil: occurredUntil(null, [first, second]) };
    expect(bounds).toEqual({ maxRecordedAt: first.recordedAt, occurredUntil: '2025-05-23T00:00:00.000Z' });

    for (const at of [
      { asOf: '2025-05-23T07:30:00Z' }, // only `second` was recorded by then: the snapshot must not serve
      { asOf: '2025-05-23T08:00:00Z' },
      { asOf: '2025-05-23T09:00:00Z' },
      { validAt: '2025-05-22' },
      { validAt: '2025-05-23' },
      { validAt: '2025-05-24', asOf: '2025-05-23T08:00:00Z' },
      {},
    ]) {
      const whole = replayAt(SUBJECT, [first, second, third], at);
      if (snapshotServes(bounds, at)) expect(replayAt(SUBJECT, [third], at, snapshot)).toEqual(whole);
    }
    expect(snapshotServes(bounds, { asOf: '2025-05-23T07:30:00Z' })).toBe(false);
    expect(snapshotServes(bounds, { asOf: '2025-05-23T08:00:00Z' })).toBe(true);
    expect(snapshotServes(bounds, { validAt: '2025-05-22' })).toBe(false);
    expect(snapshotServes(bounds, { validAt: '2025-05-23' })).toBe(true);
  });

  it('leaves retractions out of occurredUntil and counts partial dates from their start', () => {
    const a = record('exchange.agreed', { parties: ['UA'] }, { occurredAt: '2025' });
    const r = record('report.retracted', { eventId: a.id, reason: 'x' }, { occurredAt: '2030-01-01' });
    expect(occurredUntil(null, [a, r])).toBe('2025-01-01T00:00:00.000Z');
    expect(occurredUntil('2025-03-01T00:00:00.000Z', [a])).toBe('2025-03-01T00:00:00.000Z');
  });

  it('refuses unreadable times', () => {
    expect(() => replayAt(SUBJECT, [], { asOf: '2025-05-23' })).toThrow(DomainError);
    expect(() => replayAt(SUBJECT, [], { validAt: '23 May' })).toThrow(DomainError);
  });

  it('isKnownAt agrees with replayAt, event by event', () => {
    const events = [record('exchange.proposed', { parties: ['UA'] }, { occurredAt: '2025-05-10' }), record('exchange.agreed', { parties: ['UA'] })];
    const at = { validAt: '2025-05-11' };
    const manual = events.filter((e) => isKnownAt(e, at)).reduce<SubjectState>(evolve, initialState(SUBJECT));
    expect(replayAt(SUBJECT, events, at)).toEqual(manual);
  });
});
