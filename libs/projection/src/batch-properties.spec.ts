import { RecordedEvent, replay, SubjectState, SubjectSummary, summarize } from '@newsledger/domain';
import { LogMessage } from '@newsledger/event-log';
import type { EventRow } from '@newsledger/persistence';
import * as fc from 'fast-check';
import { BatchLookups, BatchOutcome, DecodedMessage, decodeMessage, eventRowOf, IndexedEvent, projectBatch, projectMessages } from './batch.projection';
import { rowsBulk } from './event-bulk.fixture';

const SUBJECTS = ['exchange/prop-a', 'exchange/prop-b', 'negotiation/prop-talks'];
const EXCHANGE_TYPES = ['exchange.proposed', 'exchange.agreed', 'exchange.underway', 'exchange.phase.completed', 'exchange.completed', 'exchange.suspended', 'exchange.cancelled'];
const NEGOTIATION_TYPES = ['negotiation.round.announced', 'negotiation.round.held', 'negotiation.status.reported', 'negotiation.ceasefire.reported'];
const CONFIRMATIONS = ['confirmed', 'reported', 'claimed', 'unconfirmed', 'denied'];

type Step = { subject: number; type: number; confirmation: number; retract: boolean; n: number };

function dataFor(type: string, n: number): object {
  switch (type) {
    case 'exchange.proposed':
    case 'exchange.agreed':
      return { parties: ['UA', 'RU'], releasedBy: { UA: n, RU: n } };
    case 'exchange.phase.completed':
      return { phase: 1 + (n % 3), releasedBy: { UA: n, RU: n } };
    case 'negotiation.round.announced':
    case 'negotiation.round.held':
      return { round: 1 + (n % 3) };
    case 'negotiation.status.reported':
      return { status: ['stalled', 'resumed', 'collapsed', 'concluded'][n % 4] };
    case 'negotiation.ceasefire.reported':
      return { status: ['proposed', 'agreed', 'in_force', 'violated'][n % 4] };
    default:
      return {};
  }
}

/** A log of events over three subjects, with retractions of earlier events of the same subject. */
function logOf(steps: Step[]): RecordedEvent[] {
  const earlier: string[][] = SUBJECTS.map(() => []);
  return steps.map((s, i) => {
    const subject = SUBJECTS[s.subject];
    const types = subject.startsWith('exchange') ? EXCHANGE_TYPES : NEGOTIATION_TYPES;
    const id = `p${i}`;
    const prior = earlier[s.subject];
    const base = { id, subject, source: { name: 'wire', kind: 'agency' }, confirmation: CONFIRMATIONS[s.confirmation],
      recordedAt: new Date(Date.UTC(2025, 4, 23, 8, 0, i)).toISOString(), ingestor: 'desk', position: { partition: 0, offset: String(i) } };
    if (s.retract && prior.length > 0) {
      return { ...base, type: 'report.retracted', data: { eventId: prior[s.n % prior.length], reason: 'wrong' } } as RecordedEvent;
    }
    prior.push(id);
    const type = types[s.type % types.length];
    return { ...base, type, data: dataFor(type, s.n) } as RecordedEvent;
  });
}

const steps = fc.array(
  fc.record({ subject: fc.nat(2), type: fc.nat(10), confirmation: fc.nat(4), retract: fc.boolean(), n: fc.nat(50) }),
  { minLength: 1, maxLength: 60 },
);
const ok = (event: RecordedEvent): DecodedMessage<string> => ({ message: event.id, ok: true, event });

/**
 * Applies batches one after another, as the projector does across transactions: summaries carried
 * over, and for retractions the full states replayed from what was indexed before the batch.
 */
function applyInBatches(batches: RecordedEvent[][]): Map<string, SubjectSummary> {
  const stored = new Map<string, SubjectSummary>();
  const indexed = new Map<string, { subject: string; type: string; retractedBy?: string }>();
  const history: RecordedEvent[] = [];
  for (const batch of batches) {
    const fullStates = new Map(SUBJECTS.map((s) => [s, replay(s, history.filter((e) => e.subject === s))]));
    const out = projectBatch(batch.map(ok), indexed, stored, { fullStates });
    for (const v of out.views) stored.set(v.subject, v.summary);
    const byId = new Map(batch.map((e) => [e.id, e]));
    for (const e of out.events) {
      indexed.set(e.eventId, { subject: e.subject, type: e.type });
      history.push(byId.get(e.eventId)!);
    }
    for (const r of out.retracted) indexed.set(r.eventId, { ...indexed.get(r.eventId)!, retractedBy: r.by });
  }
  return stored;
}

function views(summaries: Map<string, SubjectSummary>) {
  return Object.fromEntries([...summaries].sort(([a], [b]) => a.localeCompare(b)));
}

describe('projectBatch properties', () => {
  it('keeps each summary equal to the summary of the full replay of the events it indexed', () => {
    fc.assert(
      fc.property(steps, fc.nat(), (st, cut) => {
        const log = logOf(st);
        const at = cut % (log.length + 1);
        const summaries = applyInBatches([log.slice(0, at), log.slice(at)]);
        // Retractions the batch step rejects (of unknown, retraction or already-retracted ids) never reach the index.
        const indexed = new Set<string>();
        const retracted = new Set<string>();
        const accepted = log.filter((e) => {
          if (e.type === 'report.retracted') {
            const target = log.find((x) => x.id === (e.data as { eventId: string }).eventId);
            if (!target || !indexed.has(target.id) || target.type === 'report.retracted' || retracted.has(target.id)) return false;
            retracted.add(target.id);
          }
          indexed.add(e.id);
          return true;
        });
        for (const [subject, summary] of summaries) expect(summary).toEqual(summarize(replay(subject, accepted.filter((e) => e.subject === subject))));
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('gives the same views whatever the batch boundaries', () => {
    fc.assert(
      fc.property(steps, fc.array(fc.nat(), { maxLength: 10 }), (st, cuts) => {
        const log = logOf(st);
        const at = [...new Set(cuts.map((c) => c % (log.length + 1)))].sort((a, b) => a - b);
        const batches = [0, ...at].map((from, i) => log.slice(from, [...at, log.length][i])).filter((b) => b.length > 0);
        expect(views(applyInBatches(batches))).toEqual(views(applyInBatches([log])));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('is unchanged by redelivery of any prefix of the log', () => {
    fc.assert(
      fc.property(steps, fc.nat(), fc.nat(), (st, a, b) => {
        const log = logOf(st);
        const upTo = a % (log.length + 1);
        const again = log.slice(0, b % (upTo + 1));
        expect(views(applyInBatches([log.slice(0, upTo), again, log.slice(upTo)]))).toEqual(views(applyInBatches([log])));
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('gives the same views for any interleaving of subjects that keeps each subject\'s order', () => {
    fc.assert(
      fc.property(steps, fc.array(fc.nat(2), { maxLength: 200 }), (st, picks) => {
        const log = logOf(st);
        const queues = SUBJECTS.map((s) => log.filter((e) => e.subject === s));
        const merged: RecordedEvent[] = [];
        for (const p of picks) {
          const q = queues[p];
          if (q.length > 0) merged.push(q.shift()!);
        }
        for (const q of queues) merged.push(...q);
        expect(views(applyInBatches([merged]))).toEqual(views(applyInBatches([log])));
      }),
      { numRuns: 200, seed: 13 },
    );
  });
});

/** An event as the ingest API puts it on the log; `escaped` spells its type with a JSON escape, as any producer may. */
function logMessage(e: RecordedEvent, offset: number, escaped = false): LogMessage {
  const json = JSON.stringify({
    specversion: '1.0', id: e.id, type: e.type, subject: e.subject, source: `newsroom/${e.ingestor}`, time: e.recordedAt,
    data: { source: e.source, confirmation: e.confirmation, data: e.data },
  });
  return {
    partition: 0, offset: String(offset), key: e.subject, timestamp: e.recordedAt, appendTime: false,
    value: Buffer.from(escaped ? json.replace(/"type":"report\.retracted"/, '"type":"report\\u002eretracted"') : json),
  };
}

/** What the log and the views hold between batches, kept by hand for the reference and through lookups for `projectMessages`. */
class Store {
  readonly index = new Map<string, IndexedEvent>();
  readonly stored = new Map<string, SubjectSummary>();
  readonly history: RecordedEvent[] = [];

  fullStates(subjects: Iterable<string>): Map<string, SubjectState> {
    return new Map([...subjects].map((s) => [s, replay(s, this.history.filter((e) => e.subject === s))]));
  }

  /** Indexes what a batch applied, and takes its views. */
  took(out: BatchOutcome<unknown>, applied: RecordedEvent[]): void {
    for (const e of applied) {
      this.index.set(e.id, { subject: e.subject, type: e.type, content: e });
      this.history.push(e);
    }
    for (const r of out.retracted) this.index.set(r.eventId, { ...this.index.get(r.eventId)!, retractedBy: r.by });
    for (const v of out.views) this.stored.set(v.subject, v.summary);
  }

  lookups(): BatchLookups<ReturnType<typeof rowsBulk>> & { copied: () => EventRow[] } {
    let copied: EventRow[] = [];
    const has = (rows: EventRow[]) => rows.some((r) => this.index.has(r.eventId));
    return {
      findEvents: async (ids) => new Map(ids.filter((id) => this.index.has(id)).map((id) => [id, this.index.get(id)!])),
      loadSummaries: async (subjects) => new Map(subjects.filter((s) => this.stored.has(s)).map((s) => [s, this.stored.get(s)!])),
      loadFullStates: async (subjects) => this.fullStates(subjects),
      bulk: () => rowsBulk(),
      copyEvents: async ({ rows }) => {
        if (has(rows)) throw new Error('duplicate key value violates unique constraint "events_pkey"');
        copied = rows;
      },
      copyNewEvents: async ({ rows }) => {
        if (has(rows)) return false;
        copied = rows;
        return true;
      },
      copied: () => copied,
    };
  }
}

describe('projectMessages properties', () => {
  it('applies and indexes a batch as projectBatch does with every id looked up first: resends, id conflicts and retractions (escaped too) included', async () => {
    await fc.assert(
      fc.asyncProperty(steps, fc.array(fc.record({ at: fc.nat(), of: fc.nat(), conflict: fc.boolean() }), { maxLength: 8 }), fc.nat(), fc.boolean(), async (st, resends, cut, escape) => {
        const log = logOf(st);
        // Sends of an earlier id, as they were (a resend) or with other content (an id conflict).
        for (const r of resends) {
          const earlier = log[r.of % log.length];
          log.splice(r.at % (log.length + 1), 0, r.conflict ? { ...earlier, confirmation: earlier.confirmation === 'denied' ? 'confirmed' : 'denied' } : earlier);
        }
        const messages = log.map((e, i) => logMessage({ ...e, position: { partition: 0, offset: String(i) } }, i, escape));
        const at = cut % (messages.length + 1);
        const actual = new Store();
        const expected = new Store();
        for (const batch of [messages.slice(0, at), messages.slice(at)].filter((b) => b.length > 0)) {
          const lookups = actual.lookups();
          const out = await projectMessages(batch, lookups);
          const byOffset = new Map(batch.map((m) => [m.offset, m]));
          const indexed = lookups.copied();
          actual.took(out, indexed.map((r) => decodeMessage(byOffset.get(r.offset)!)).flatMap((d) => (d.ok ? [d.event] : [])));

          const decoded = batch.map((m) => decodeMessage(m));
          const applied: RecordedEvent[] = [];
          const retracting = new Set(decoded.flatMap((d) => (d.ok && d.event.type === 'report.retracted' ? [d.event.subject] : [])));
          const want = projectBatch(decoded, expected.index, expected.stored, { fullStates: expected.fullStates(retracting), onApplied: (e) => applied.push(e) });
          expected.took(want, applied);
          expect(out).toEqual(want);
          expect(indexed).toEqual(applied.map(eventRowOf));
        }
        expect(actual.history).toEqual(expected.history);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
