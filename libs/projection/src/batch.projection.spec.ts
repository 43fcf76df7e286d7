import { setImmediate as tick } from 'node:timers/promises';
import { SerialTurn } from '@newsledger/batching';
import { initialState, RecordedEvent, replay, SubjectSummary, summarize } from '@newsledger/domain';
import { LogMessage } from '@newsledger/event-log';
import { BatchLookups, DecodedMessage, projectBatch, projectMessages } from './batch.projection';
import { rowsBulk } from './event-bulk.fixture';

let offset = 0;
function ev(subject: string, type: string, confirmation: string, data: object, id = `e${offset}`): RecordedEvent {
  const o = offset++;
  return {
    id, type, subject, source: { name: 'wire', kind: 'agency' }, confirmation, data,
    recordedAt: new Date(Date.UTC(2025, 4, 23, 8, o)).toISOString(), ingestor: 'desk', position: { partition: 0, offset: String(o) },
  } as RecordedEvent;
}
const ok = (event: RecordedEvent): DecodedMessage<string> => ({ message: event.id, ok: true, event });

describe('projectBatch', () => {
  const a = 'exchange/ua-ru-a';
  const n = 'negotiation/ua-ru-talks';

  it('gives the same summaries whatever the batch boundaries', () => {
    const events = [
      ev(a, 'exchange.agreed', 'confirmed', { parties: ['UA', 'RU'], releasedBy: { UA: 10, RU: 10 }, negotiation: n }),
      ev(n, 'negotiation.round.held', 'confirmed', { round: 1, venue: 'Istanbul' }),
      ev(a, 'exchange.completed', 'claimed', {}),
      ev(a, 'exchange.underway', 'confirmed', {}),
    ];
    const whole = projectBatch(events.map(ok), new Map(), new Map());
    let stored = new Map<string, SubjectSummary>();
    let indexed = new Map<string, { subject: string; type: string }>();
    for (const e of events) {
      const out = projectBatch([ok(e)], indexed, stored);
      stored = new Map([...stored, ...out.views.map((v) => [v.subject, v.summary] as const)]);
      indexed = new Map([...indexed, ...out.events.map((x) => [x.eventId, { subject: x.subject, type: x.type }] as const)]);
    }
    for (const v of whole.views) expect(stored.get(v.subject)).toEqual(v.summary);
    expect(whole.views.find((v) => v.subject === a)).toMatchObject({
      summary: summarize(replay(a, events.filter((e) => e.subject === a))),
      status: 'underway',
      reportedStatus: 'completed',
      parties: ['RU', 'UA'],
      eventCount: 3,
    });
    expect(whole.links).toEqual([{ eventId: events[0].id, negotiation: n, exchange: a, recordedAt: events[0].recordedAt }]);
  });

  it('skips ids already indexed or seen earlier in the batch', () => {
    const e1 = ev(a, 'exchange.underway', 'confirmed', {});
    const out = projectBatch([ok(e1), ok(e1)], new Map([['old', { subject: a, type: 'exchange.agreed' }]]), new Map());
    expect(out.events).toHaveLength(1);
    expect(out.duplicates).toBe(1);
    const again = projectBatch([ok(e1)], new Map([[e1.id, { subject: a, type: e1.type }]]), new Map());
    expect(again.events).toHaveLength(0);
    expect(again.views).toHaveLength(0);
  });

  it('rejects a retraction of an unknown event, of another subject, or of a retraction', () => {
    const other = ev('exchange/other-one', 'exchange.underway', 'confirmed', {});
    const r1 = ev(a, 'report.retracted', 'confirmed', { eventId: 'nope', reason: 'x' });
    const r2 = ev(a, 'report.retracted', 'confirmed', { eventId: other.id, reason: 'x' });
    const target = ev(a, 'exchange.underway', 'confirmed', {});
    const r3 = ev(a, 'report.retracted', 'confirmed', { eventId: target.id, reason: 'x' });
    const r4 = ev(a, 'report.retracted', 'confirmed', { eventId: r3.id, reason: 'x' });
    const out = projectBatch([other, r1, r2, target, r3, r4].map(ok), new Map(), new Map());
    expect(out.rejected.map((r) => r.message)).toEqual([r1.id, r2.id, r4.id]);
    expect(out.retracted).toEqual([{ eventId: target.id, by: r3.id }]);
    expect(out.unlinks).toEqual([target.id]);
  });

  it('rejects a second retraction of one event, in the same batch or a later one, instead of rewriting the first (already_retracted)', () => {
    const target = ev(a, 'exchange.underway', 'confirmed', {});
    const first = ev(a, 'report.retracted', 'confirmed', { eventId: target.id, reason: 'x' });
    const second = ev(a, 'report.retracted', 'confirmed', { eventId: target.id, reason: 'y' });
    const out = projectBatch([target, first, second].map(ok), new Map(), new Map());
    expect(out.retracted).toEqual([{ eventId: target.id, by: first.id }]);
    expect(out.rejected.map((r) => [r.message, r.reason])).toEqual([[second.id, `already_retracted: event "${target.id}" was already retracted by "${first.id}"`]]);
    const later = projectBatch([ok(ev(a, 'report.retracted', 'confirmed', { eventId: target.id, reason: 'z' }))], new Map([[target.id, { subject: a, type: target.type, retractedBy: first.id }]]), new Map(), {
      fullStates: new Map([[a, initialState(a)]]),
    });
    expect(later.retracted).toEqual([]);
    expect(later.rejected.map((r) => r.reason.split(':')[0])).toEqual(['already_retracted']);
  });

  it('counts an id sent again with the same content as a duplicate whatever its key order, and other content as an id conflict', () => {
    const sent = ev(a, 'exchange.completed', 'confirmed', { releasedBy: { UA: 150, RU: 150 } });
    const stored = { subject: a, type: sent.type, content: { ...sent, data: { releasedBy: { RU: 150, UA: 150 } } } };
    const same = projectBatch([ok(sent)], new Map([[sent.id, stored]]), new Map());
    expect([same.duplicates, same.rejected.length]).toEqual([1, 0]);
    const other = projectBatch([ok({ ...sent, data: { releasedBy: { UA: 150, RU: 189 } } } as RecordedEvent)], new Map([[sent.id, stored]]), new Map());
    expect(other.duplicates).toBe(0);
    expect(other.rejected.map((r) => r.reason.split(':')[0])).toEqual(['id_conflict']);
  });

  it('drops a link whose agreement is retracted in the same batch', () => {
    const agreed = ev(a, 'exchange.agreed', 'confirmed', { parties: ['UA', 'RU'], negotiation: n });
    const retraction = ev(a, 'report.retracted', 'confirmed', { eventId: agreed.id, reason: 'wrong talks' });
    const out = projectBatch([ok(agreed), ok(retraction)], new Map(), new Map());
    expect(out.links).toEqual([]);
    expect(out.unlinks).toEqual([agreed.id]);
  });

  it('writes deterministic status changes, marking those a retraction caused', () => {
    const u = ev(a, 'exchange.underway', 'confirmed', {});
    const r = ev(a, 'report.retracted', 'confirmed', { eventId: u.id, reason: 'premature' });
    const out = projectBatch([ok(u), ok(r)], new Map(), new Map([[a, initialState(a)]]));
    expect(out.changes).toEqual([
      expect.objectContaining({ id: `${u.id}:status`, field: 'status', from: null, to: 'underway', causedBy: u.id, retractionOf: null }),
      expect.objectContaining({ id: `${u.id}:reportedStatus`, field: 'reportedStatus', from: null, to: 'underway' }),
      expect.objectContaining({ id: `${r.id}:status`, field: 'status', from: 'underway', to: null, retractionOf: u.id }),
      expect.objectContaining({ id: `${r.id}:reportedStatus`, field: 'reportedStatus', from: 'underway', to: null, retractionOf: u.id }),
    ]);
  });

  it('needs the full state of a subject it retracts in, and carries full states when asked', () => {
    const u = ev(a, 'exchange.underway', 'confirmed', {});
    const r = ev(a, 'report.retracted', 'confirmed', { eventId: u.id, reason: 'premature' });
    const first = projectBatch([ok(u)], new Map(), new Map());
    const indexed = new Map([[u.id, { subject: a, type: u.type }]]);
    const stored = new Map(first.views.map((v) => [v.subject, v.summary]));
    expect(() => projectBatch([ok(r)], indexed, stored)).toThrow(/full state of exchange\/ua-ru-a is needed/);
    const out = projectBatch([ok(r)], indexed, stored, { fullStates: new Map([[a, replay(a, [u])]]) });
    expect(out.views[0]).toMatchObject({ status: null, eventCount: 2, summary: summarize(replay(a, [u, r])) });
    const carried = projectBatch([ok(u), ok(r)], new Map(), new Map(), { carryFullStates: true });
    expect(carried.views[0].state).toEqual(replay(a, [u, r]));
  });

  it('keeps a full state only for a new subject some retraction of the batch is about', () => {
    const b = 'exchange/ua-ru-b';
    const u = ev(a, 'exchange.underway', 'confirmed', {});
    const other = ev(b, 'exchange.underway', 'confirmed', {});
    const r = ev(a, 'report.retracted', 'confirmed', { eventId: u.id, reason: 'premature' });
    const out = projectBatch([ok(u), ok(other), ok(r)], new Map(), new Map());
    expect(new Map(out.views.map((v) => [v.subject, v.state]))).toEqual(new Map([[a, replay(a, [u, r])], [b, undefined]]));
    expect(out.views.find((v) => v.subject === b)!.summary).toEqual(summarize(replay(b, [other])));
  });

  it('passes undecodable messages through as rejected, in order', () => {
    const out = projectBatch<string>([{ message: 'm1', ok: false, reason: 'not JSON', issues: [] }], new Map(), new Map());
    expect(out.rejected).toEqual([{ message: 'm1', reason: 'not JSON', issues: [] }]);
  });
});

describe('projectMessages', () => {
  const subject = 'exchange/messages-a';
  const message = (e: RecordedEvent, offset: number): LogMessage => ({
    partition: 0,
    offset: String(offset),
    key: e.subject,
    timestamp: e.recordedAt,
    appendTime: true,
    value: Buffer.from(JSON.stringify({
      specversion: '1.0', id: e.id, type: e.type, subject: e.subject, source: 'newsroom/desk', time: e.recordedAt,
      data: { source: e.source, confirmation: e.confirmation, data: e.data },
    })),
  });

  /** An event index in memory, as the projector's transaction sees it. */
  function memoryIndex(initial: RecordedEvent[] = []) {
    const index = new Map<string, { subject: string; type: string }>(initial.map((e) => [e.id, { subject: e.subject, type: e.type }]));
    const lookedUp: string[][] = [];
    const lookups: BatchLookups<ReturnType<typeof rowsBulk>> = {
      findEvents: async (ids) => (lookedUp.push(ids), new Map(ids.filter((id) => index.has(id)).map((id) => [id, index.get(id)!]))),
      loadSummaries: async () => new Map(),
      loadFullStates: async (subjects) => new Map(subjects.map((s) => [s, replay(s, initial.filter((e) => e.subject === s))])),
      bulk: () => rowsBulk(),
      copyEvents: async ({ rows }) => {
        if (rows.some((r) => index.has(r.eventId))) throw new Error('duplicate key value violates unique constraint "events_pkey"');
        for (const r of rows) index.set(r.eventId, { subject: r.subject, type: r.type });
      },
      copyNewEvents: async ({ rows }) => {
        if (rows.some((r) => index.has(r.eventId))) return false;
        for (const r of rows) index.set(r.eventId, { subject: r.subject, type: r.type });
        return true;
      },
    };
    return { index, lookups, lookedUp };
  }

  it('copies new reports without looking their ids up, and looks them up only when one is indexed already', async () => {
    const earlier = ev(subject, 'exchange.agreed', 'confirmed', { parties: ['UA', 'RU'] });
    const next = ev(subject, 'exchange.underway', 'confirmed', {});
    const { index, lookups, lookedUp } = memoryIndex([earlier]);
    const fresh = await projectMessages([message(next, 2)], lookups);
    expect(lookedUp).toEqual([[]]);
    expect(fresh.events.map((e) => e.eventId)).toEqual([next.id]);

    // The earlier one again, beside a new one: a duplicate, found by the lookup the failed copy asks for.
    const last = ev(subject, 'exchange.completed', 'confirmed', {});
    const again = await projectMessages([message(earlier, 3), message(last, 4)], lookups);
    expect(lookedUp).toEqual([[], [], [earlier.id, last.id]]);
    expect(again.duplicates).toBe(1);
    expect(again.events.map((e) => e.eventId)).toEqual([last.id]);
    expect(index.has(last.id)).toBe(true);
  });

  it('indexes every event it applies, a report whose id a valid retraction took first being an id conflict', async () => {
    const target = ev(subject, 'exchange.underway', 'confirmed', {});
    const retraction = ev(subject, 'report.retracted', 'confirmed', { eventId: target.id, reason: 'x' }, 'shared-id-1');
    const sameId = ev(subject, 'exchange.completed', 'confirmed', {}, 'shared-id-1');
    const { index, lookups } = memoryIndex([target]);
    const out = await projectMessages([message(retraction, 1), message(sameId, 2), message(retraction, 3)], lookups);
    expect(out.events.map((e) => [e.eventId, e.type])).toEqual([['shared-id-1', 'report.retracted']]);
    expect(out.rejected.map((r) => r.reason.split(':')[0])).toEqual(['id_conflict']);
    expect(out.duplicates).toBe(1);
    expect(index.get('shared-id-1')).toEqual({ subject, type: 'report.retracted' });
  });

  it('applies and indexes a report whose id a rejected retraction came first with', async () => {
    const retraction = ev(subject, 'report.retracted', 'confirmed', { eventId: 'never-recorded', reason: 'x' }, 'shared-id-2');
    const sameId = ev(subject, 'exchange.completed', 'confirmed', {}, 'shared-id-2');
    const { index, lookups } = memoryIndex();
    const out = await projectMessages([message(retraction, 1), message(sameId, 2)], lookups);
    expect(out.rejected).toHaveLength(1);
    expect(out.events.map((e) => [e.eventId, e.type])).toEqual([['shared-id-2', 'exchange.completed']]);
    expect(index.get('shared-id-2')).toEqual({ subject, type: 'exchange.completed' });
    expect(out.views[0]).toMatchObject({ reportedStatus: 'completed', eventCount: 1 });
  });

  describe('beside other batches', () => {
    /** `n` reports over seven subjects, and a bulk that notes which batch added each row. */
    const reports = (n: number, name: string) =>
      Array.from({ length: n }, (_, i) => message(ev(`exchange/${name}-${i % 7}`, 'exchange.underway', 'reported', {}, `${name}-${i}`), i));
    function notingLookups(name: string, added: string[]) {
      const { lookups } = memoryIndex();
      return {
        ...lookups,
        bulk: () => {
          const bulk = rowsBulk();
          return { ...bulk, rows: bulk.rows, add: (row: Parameters<typeof bulk.add>[0]) => (added.push(name), bulk.add(row)), get size() { return bulk.size; } };
        },
      };
    }

    it('lets the event loop run while a large batch is reduced (where another batch\'s writes go on)', async () => {
      const added: string[] = [];
      let addedWhenIoRan: number | undefined;
      const reducing = projectMessages(reports(3_000, 'large'), notingLookups('large', added));
      void tick().then(() => (addedWhenIoRan = added.length));
      const out = await reducing;
      expect(out.events).toHaveLength(3_000);
      expect(addedWhenIoRan).toBeGreaterThan(0);
      expect(addedWhenIoRan).toBeLessThan(3_000);
    });

    it('reduces one batch at a time when they share a turn', async () => {
      const added: string[] = [];
      const turn = new SerialTurn();
      await Promise.all([
        projectMessages(reports(2_000, 'first'), notingLookups('first', added), { reduceTurn: turn }),
        projectMessages(reports(2_000, 'second'), notingLookups('second', added), { reduceTurn: turn }),
      ]);
      expect(added.lastIndexOf('first')).toBe(1_999);
      expect(added.indexOf('second')).toBe(2_000);
    });
  });

  it('asks the database only about keys that are subjects: a message keyed with a NUL is dead-lettered, not sent to it', async () => {
    const report = ev(subject, 'exchange.agreed', 'confirmed', { parties: ['UA', 'RU'] });
    const { lookups } = memoryIndex();
    const asked: string[][] = [];
    // As PostgreSQL, which refuses a NUL in a text parameter.
    const loadSummaries = async (subjects: string[]) => {
      asked.push(subjects);
      if (subjects.some((s) => s.includes('\u0000'))) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
      return new Map();
    };
    const out = await projectMessages([message(report, 1), { ...message(report, 2), key: 'exchange/x\u0000' }], { ...lookups, loadSummaries });
    expect(asked).toEqual([[subject]]);
    expect(out.events.map((e) => e.eventId)).toEqual([report.id]);
    expect(out.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/^wrong_partition: the message key must be the subject/)]);
  });
});
