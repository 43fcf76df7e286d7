import { RecordedEvent, replay, summarize } from '@newsledger/domain';
import { LogMessage } from '@newsledger/event-log';
import { BatchLookups, DecodedMessage, projectBatch, projectMessages } from './batch.projection';

const subject = 'exchange/ua-ru-upgrade';
let offset = 0;
function ev(type: string, data: object): RecordedEvent {
  const o = offset++;
  return {
    id: `u${o}`, type, subject, source: { name: 'Russian Ministry of Defence', kind: 'official', party: 'RU' }, confirmation: 'confirmed', data,
    recordedAt: new Date(Date.UTC(2025, 4, 23, 8, o)).toISOString(), ingestor: 'desk', position: { partition: 0, offset: String(o) },
  } as RecordedEvent;
}
const ok = (event: RecordedEvent): DecodedMessage<LogMessage> => ({ message: { value: event.id } as unknown as LogMessage, ok: true, event });

/** What the previous release stored for an agreement and a phase: no version, and the phase not yet counted as under way. */
function v1Row(events: RecordedEvent[]) {
  const { version: _, ladder: _l, mediators: _m, figures: _f, ...v1 } = summarize(replay(subject, events)) as ReturnType<typeof summarize> & { ladder: unknown; mediators: unknown; figures: unknown };
  return { ...v1, confirmed: { best: { status: 'agreed', eventId: events[0]!.id }, halt: null }, reported: { best: { status: 'agreed', eventId: events[0]!.id }, halt: null } };
}

describe('a view row written under another STATE_VERSION', () => {
  const earlier = [ev('exchange.agreed', { parties: ['UA', 'RU'] }), ev('exchange.phase.completed', { phase: 1, releasedBy: { UA: 390, RU: 390 } })];
  const next = ev('exchange.details.reported', { expectedDays: 3 });

  it('is derived again from the full state, never moved on', () => {
    const stored = new Map([[subject, v1Row(earlier) as never]]);
    const out = projectBatch([ok(next)], new Map(), stored, { fullStates: new Map([[subject, replay(subject, earlier)]]) });
    expect(out.views[0]).toMatchObject({ status: 'underway', reportedStatus: 'underway', level: 'one-party', disputed: false, eventCount: 3 });
    expect(out.views[0]!.summary).toEqual(summarize(replay(subject, [...earlier, next])));
  });

  it('makes the batch load that full state, as it does for a retraction', async () => {
    const asked: string[][] = [];
    const lookups: BatchLookups = {
      findEvents: async () => new Map(),
      loadSummaries: async () => new Map([[subject, v1Row(earlier)]]),
      loadFullStates: async (subjects) => {
        asked.push(subjects);
        return new Map([[subject, replay(subject, earlier)]]);
      },
      bulk: () => ({ add: () => undefined, size: 0 }),
      copyEvents: async () => undefined,
      copyNewEvents: async () => true,
    };
    const out = await projectMessages([message(next)], lookups);
    expect(asked).toEqual([[subject]]);
    expect(out.views[0]).toMatchObject({ status: 'underway', level: 'one-party' });
  });
});

function message(e: RecordedEvent): LogMessage {
  return {
    partition: 0,
    offset: e.position.offset,
    key: e.subject,
    timestamp: e.recordedAt,
    appendTime: true,
    value: Buffer.from(JSON.stringify({
      specversion: '1.0', id: e.id, type: e.type, subject: e.subject, source: 'newsroom/desk', time: e.recordedAt,
      data: { source: e.source, confirmation: e.confirmation, data: e.data },
    })),
  };
}
