import { SseEvent, SseParser } from '@newsledger/client';
import { loadPageModule } from './page-module.fixture';
import { ASSET_NAMES, SSE_MODULE, sseModuleSource } from './timeline-page.assets';

/** The pure modules of the timeline page, tested on the very files the page loads. */
interface Time {
  fmtInstant(iso: string): string;
  isDate(v: string): boolean;
  parseMoment(text: string): string | null;
  fmtMoment(m: string): string;
  parseHash(hash: string): { view: string; subject?: string; asOf?: string | null; validAt?: string | null };
  formatHash(subject: string, asOf: string | null, validAt: string | null): string;
}
interface Ev { eventId: string; type?: string; occurredAt?: string; recordedAt: string; retracted?: boolean; data?: unknown }
interface Order {
  spanOf(v: string): { start: number; end: number; precision: string } | null;
  orderTimeline(events: Ev[], mode: 'occurred' | 'recorded'): Ev[];
  occurredWords(e: Partial<Ev>): string;
  happenedBy(e: Partial<Ev>, date: string | null): boolean;
}
interface Progress {
  progressOf(view: object): { agreed: number | null; released: number; max: number; pct: number; text: string } | null;
  perParty(view: object): Array<{ party: string; released: number; agreed: number | null }>;
  fmtReleasedBy(r: Record<string, number>): string;
}
interface Point { t: number; label: string; value: number; what: string; x: number; y: number }
interface Chart {
  chartModel(view: object, history: Ev[]): null | {
    bands: Array<{ party: string; points: Point[]; path: string; agreed: number | null; agreedY: number | null; base: number; top: { value: number }; label: string }>;
    ticks: Array<{ label: string; x: number }>;
    description: string;
  };
}
interface Letter { position: string; arrivedAt: string; reason: string; originalPosition: string | null; key: string | null; issues: unknown[]; preview: string | null; bytes: number | null; previewTruncated: boolean }
interface DeadLetters {
  reasonParts(reason: string): { code: string | null; text: string };
  positionWords(p: string | null): string;
  draftOf(letter: Letter): { text: string; complete: boolean; note: string };
  resubmitWords(status: number, body: unknown): { ok: boolean; text: string };
}
interface Sse { SseParser: typeof SseParser }

describe('the timeline page modules', () => {
  it('are all served, the SSE parser made from libs/client', () => {
    for (const name of ['time.js', 'order.js', 'progress.js', 'chart.js', 'dead-letters.js']) expect(ASSET_NAMES).toContain(name);
    expect(sseModuleSource()).toBe(`export ${SseParser.toString()}\n`);
  });

  describe('time and the address (time.js)', () => {
    const t = loadPageModule<Time>('time.js');

    it('writes every moment in one UTC format, milliseconds only when there are some', () => {
      expect(t.fmtInstant('2025-05-23T13:00:00+03:00')).toBe('2025-05-23 10:00:00 UTC');
      expect(t.fmtInstant('2025-05-23T10:00:00.250Z')).toBe('2025-05-23 10:00:00.250 UTC');
      expect(t.fmtMoment('2025-05-23')).toBe('2025-05-23 (end of day, UTC)');
    });

    it('reads a typed moment: a date stays a date (the API reads it as the day\'s end), the rest an ISO instant', () => {
      expect(t.parseMoment('2025-05-23')).toBe('2025-05-23');
      expect(t.parseMoment(' 2025-05-23 UTC ')).toBe('2025-05-23');
      expect(t.parseMoment('2025-05-23 10:00:00 UTC')).toBe('2025-05-23T10:00:00.000Z');
      expect(t.parseMoment('2025-05-23T10:00:00.5')).toBe('2025-05-23T10:00:00.500Z');
      expect(t.parseMoment('2025-05-23T13:00:00+03:00')).toBe('2025-05-23T10:00:00.000Z');
      for (const bad of ['2025-02-30', '2025-02-30 10:00', 'yesterday', '2025-05', '']) expect([bad, t.parseMoment(bad)]).toEqual([bad, null]);
      expect([t.isDate('2024-02-29'), t.isDate('2025-02-29'), t.isDate('2025-5-1')]).toEqual([true, false, false]);
    });

    it('parses the address: a story as of a date (not its midnight) or an instant, a validAt date, the dead letters', () => {
      expect(t.parseHash('#exchange/ua-ru-2025-05-1000@2025-05-23')).toEqual({ view: 'story', subject: 'exchange/ua-ru-2025-05-1000', asOf: '2025-05-23', validAt: null });
      expect(t.parseHash('#negotiation/istanbul-2025@2025-05-23T10:00:00.000Z;valid=2025-05-22')).toEqual({
        view: 'story', subject: 'negotiation/istanbul-2025', asOf: '2025-05-23T10:00:00.000Z', validAt: '2025-05-22',
      });
      expect(t.parseHash('#exchange%2Fua-ru-1%402025-05-23')).toMatchObject({ subject: 'exchange/ua-ru-1', asOf: '2025-05-23' });
      // A moment or date that is not one is dropped: the story now, not a guess.
      expect(t.parseHash('#exchange/ua-ru-1@2025-02-30;valid=soon')).toEqual({ view: 'story', subject: 'exchange/ua-ru-1', asOf: null, validAt: null });
      expect(t.parseHash('#dead-letters')).toEqual({ view: 'dead-letters' });
      for (const bad of ['', '#', '#person/x', '#exchange/X', '#%E0%A4%A']) expect(t.parseHash(bad)).toEqual({ view: 'none' });
      expect(t.formatHash('exchange/ua-ru-1', '2025-05-23', '2025-05-22')).toBe('#exchange/ua-ru-1@2025-05-23;valid=2025-05-22');
      expect(t.parseHash(t.formatHash('exchange/ua-ru-1', '2025-05-23T10:00:00.000Z', null))).toMatchObject({ asOf: '2025-05-23T10:00:00.000Z' });
    });
  });

  describe('the order of the timeline (order.js)', () => {
    const o = loadPageModule<Order>('order.js');
    const ev = (eventId: string, occurredAt: string | undefined, recordedAt: string): Ev => ({ eventId, occurredAt, recordedAt });

    it('reads a date as the whole day, a month as the month, an instant as itself', () => {
      expect(o.spanOf('2025-05-23')).toEqual({ start: Date.parse('2025-05-23T00:00:00Z'), end: Date.parse('2025-05-24T00:00:00Z'), precision: 'day' });
      expect(o.spanOf('2025-05')).toMatchObject({ end: Date.parse('2025-06-01T00:00:00Z'), precision: 'month' });
      expect(o.spanOf('2025')).toMatchObject({ end: Date.parse('2026-01-01T00:00:00Z'), precision: 'year' });
      expect(o.spanOf('2025-05-23T10:00:00Z')).toMatchObject({ precision: 'instant' });
      expect(o.spanOf('soon')).toBeNull();
    });

    it('orders by when things happened, a day before the moments inside it, then by when recorded', () => {
      const events = [
        ev('trump', '2025-05-23T14:00:00Z', '2026-01-01T10:00:00Z'),
        ev('agreed', '2025-05-16', '2026-01-01T10:00:01Z'),
        ev('phase', '2025-05-23', '2026-01-01T10:00:02Z'),
        ev('midnight', '2025-05-23T00:00:00Z', '2026-01-01T10:00:03Z'),
        ev('late-22nd', '2025-05-22T23:30:00Z', '2026-01-01T10:00:04Z'),
        ev('military', '2025-05-23', '2026-01-01T09:00:00Z'),
        ev('may', '2025-05', '2026-01-01T10:00:05Z'),
        ev('retraction', undefined, '2026-01-01T10:00:06Z'),
      ];
      expect(o.orderTimeline(events, 'occurred').map((e) => e.eventId)).toEqual([
        'may', 'agreed', 'late-22nd', 'military', 'phase', 'midnight', 'trump', 'retraction',
      ]);
      expect(o.orderTimeline(events, 'recorded').map((e) => e.eventId)).toEqual([
        'military', 'trump', 'agreed', 'phase', 'midnight', 'late-22nd', 'may', 'retraction',
      ]);
      // Two reports of one millisecond keep the history's order.
      const same = [ev('b', '2025-05-23', '2026-01-01T10:00:00Z'), ev('a', '2025-05-23', '2026-01-01T10:00:00Z')];
      expect(o.orderTimeline(same, 'occurred').map((e) => e.eventId)).toEqual(['b', 'a']);
      expect(events[0].eventId).toBe('trump');
    });

    it('tells what happened by a date (validAt) as the API counts it: a date to its end, a month from its start', () => {
      const at = (occurredAt: string | undefined, type = 'exchange.underway') => ({ type, occurredAt, recordedAt: '2026-01-01T10:00:00Z' });
      expect(o.happenedBy(at('2025-05-22'), '2025-05-22')).toBe(true);
      expect(o.happenedBy(at('2025-05-22T23:59:59Z'), '2025-05-22')).toBe(true);
      expect(o.happenedBy(at('2025-05-23'), '2025-05-22')).toBe(false);
      expect(o.happenedBy(at('2025-05'), '2025-05-01')).toBe(true);
      expect(o.happenedBy(at('2025-06'), '2025-05-31')).toBe(false);
      // Undated: when recorded. A retraction always counts.
      expect(o.happenedBy(at(undefined), '2025-05-22')).toBe(false);
      expect(o.happenedBy(at(undefined, 'report.retracted'), '2025-05-22')).toBe(true);
      expect(o.happenedBy(at('2025-05-23'), null)).toBe(true);
    });

    it('says when at its own precision, never a date as midnight', () => {
      expect(o.occurredWords({ occurredAt: '2025-05-23' })).toBe('on 2025-05-23');
      expect(o.occurredWords({ occurredAt: '2025-05' })).toBe('in May 2025');
      expect(o.occurredWords({ occurredAt: '2025' })).toBe('in 2025');
      expect(o.occurredWords({ occurredAt: '2025-05-23T13:00:00+03:00' })).toBe('at 2025-05-23 10:00:00 UTC');
      expect(o.occurredWords({ recordedAt: '2026-01-01T10:00:00Z' })).toBe('undated: taken as when recorded');
    });
  });

  describe('released against agreed (progress.js)', () => {
    const p = loadPageModule<Progress>('progress.js');

    it('counts released against agreed, the bar ending at the larger', () => {
      expect(p.progressOf({ agreed: { releasedBy: { UA: 1000, RU: 1000 } }, released: { UA: 390, RU: 390 } })).toEqual({ agreed: 2000, released: 780, max: 2000, pct: 39, text: '780 of 2,000 released' });
      expect(p.progressOf({ agreed: null, released: { UA: 150, RU: 150 } })).toEqual({ agreed: null, released: 300, max: 300, pct: 100, text: '300 released' });
      expect(p.progressOf({ agreed: { releasedBy: { UA: 100 } }, released: { UA: 120 } })).toMatchObject({ max: 120, pct: 100, text: '120 of 100 released' });
      expect(p.progressOf({ agreed: { releasedBy: { UA: 0 } }, released: {} })).toMatchObject({ agreed: 0, max: 0, pct: 0 });
      expect(p.progressOf({ agreed: null, released: {} })).toBeNull();
    });

    it('gives each party named in the agreement or the releases', () => {
      expect(p.perParty({ agreed: { releasedBy: { UA: 1000, RU: 1000 } }, released: { RU: 390, AE: 2 } })).toEqual([
        { party: 'AE', released: 2, agreed: null },
        { party: 'RU', released: 390, agreed: 1000 },
        { party: 'UA', released: 0, agreed: 1000 },
      ]);
      expect(p.fmtReleasedBy({ UA: 1200, RU: 390 })).toBe('RU 390 · UA 1,200');
    });
  });

  describe('the chart of released counts (chart.js)', () => {
    const c = loadPageModule<Chart>('chart.js');
    const history: Ev[] = [
      { eventId: 'agreed', type: 'exchange.agreed', occurredAt: '2025-05-16', recordedAt: '2026-01-01T10:00:00Z' },
      { eventId: 'phase-1', type: 'exchange.phase.completed', occurredAt: '2025-05-23', recordedAt: '2026-01-01T10:00:01Z' },
      { eventId: 'phase-2', type: 'exchange.phase.completed', occurredAt: '2025-05-24', recordedAt: '2026-01-01T10:00:02Z' },
      { eventId: 'done', type: 'exchange.completed', occurredAt: '2025-05-25', recordedAt: '2026-01-01T10:00:03Z', data: { releasedBy: { UA: 1000, RU: 1000 } } },
    ];
    const swap = {
      agreed: { eventId: 'agreed', releasedBy: { UA: 1000, RU: 1000 } },
      phases: [
        // Out of order and without a date: placed by its report's occurredAt.
        { phase: 2, releasedBy: { UA: 307, RU: 307 }, eventId: 'phase-2' },
        { phase: 1, releasedBy: { UA: 390, RU: 390 }, date: '2025-05-23', eventId: 'phase-1' },
      ],
      released: { UA: 1000, RU: 1000 },
    };

    it('steps each party from zero at the agreement through its phases to the completion, against the agreed number', () => {
      const m = c.chartModel(swap, history)!;
      expect(m.bands.map((b) => b.party)).toEqual(['RU', 'UA']);
      const ua = m.bands[1];
      expect(ua.points.map((p) => [p.label, p.value, p.what])).toEqual([
        ['2025-05-16', 0, 'at the agreement'], ['2025-05-23', 390, 'after phase 1'], ['2025-05-24', 697, 'after phase 2'], ['2025-05-25', 1000, 'at the completion'],
      ]);
      expect(ua.agreed).toBe(1000);
      // The agreed level is the band's top here, the line reaches it, the points move right in time.
      expect([ua.top.value, ua.agreedY, ua.points[3].y]).toEqual([1000, ua.points[3].y, ua.points[3].y]);
      expect(ua.points.map((p) => p.x)).toEqual([...ua.points.map((p) => p.x)].sort((a, b) => a - b));
      expect(ua.points[0].y).toBe(ua.base);
      expect(ua.path).toMatch(/^M[\d.]+ [\d.]+ H[\d.]+ V[\d.]+ H[\d.]+ V[\d.]+ H[\d.]+ V[\d.]+$/);
      expect(ua.label).toBe('UA 1,000 of 1,000');
      expect(m.ticks.map((t) => t.label)).toEqual(['2025-05-16', '2025-05-23', '2025-05-24', '2025-05-25']);
      expect(m.description).toBe(
        'RU: 0 at the agreement (2025-05-16), 390 after phase 1 (2025-05-23), 697 after phase 2 (2025-05-24), 1,000 at the completion (2025-05-25); 1,000 agreed. ' +
          'UA: 0 at the agreement (2025-05-16), 390 after phase 1 (2025-05-23), 697 after phase 2 (2025-05-24), 1,000 at the completion (2025-05-25); 1,000 agreed.',
      );
    });

    it('draws what is known at the moment shown, and nothing when nothing was released', () => {
      const before = c.chartModel({ ...swap, phases: [swap.phases[1]], released: { UA: 390, RU: 390 } }, history.slice(0, 2))!;
      expect(before.bands[1].points.map((p) => p.value)).toEqual([0, 390]);
      expect(before.bands[1].top.value).toBe(1000);
      // Without an agreement, a completion alone is one point: no change over time, no chart.
      expect(c.chartModel({ agreed: null, phases: [], released: { UA: 150 } }, [{ ...history[3], data: { releasedBy: { UA: 150 } } }])).toBeNull();
      // With it, the completion is the step from zero; a side without an agreed number has no level.
      const done = c.chartModel({ agreed: { eventId: 'agreed', releasedBy: { UA: 1000 } }, phases: [], released: { UA: 1000, RU: 998 } }, [history[0], history[3]])!;
      expect(done.bands.map((b) => [b.party, b.points.map((p) => p.value), b.agreed])).toEqual([['RU', [0, 998], null], ['UA', [0, 1000], 1000]]);
      expect(done.bands[0].agreedY).toBeNull();
      expect(c.chartModel({ agreed: swap.agreed, phases: [], released: {} }, history.slice(0, 1))).toBeNull();
    });
  });

  describe('dead letters (dead-letters.js)', () => {
    const d = loadPageModule<DeadLetters>('dead-letters.js');
    const letter = (over: Partial<Letter>): Letter => ({
      position: '4', arrivedAt: '2026-01-01T10:00:00Z', reason: 'not a valid newsledger CloudEvent', originalPosition: 'newsledger.events/3/1187', key: 'exchange/x-1', issues: [], preview: null, bytes: null, previewTruncated: false, ...over,
    });

    it('says the reason and where the message sat', () => {
      expect(d.reasonParts('id_conflict: id "a" was already used')).toEqual({ code: 'id_conflict', text: 'id "a" was already used' });
      expect(d.reasonParts('not a valid newsledger CloudEvent')).toEqual({ code: null, text: 'not a valid newsledger CloudEvent' });
      expect(d.positionWords('newsledger.events/3/1187')).toBe('partition 3, offset 1187 of newsledger.events');
      expect(d.positionWords(null)).toBe('unknown');
    });

    it('drafts the corrected copy: a whole CloudEvent as the report it carried, a cut or non-JSON message as it was, with what to do', () => {
      const ce = {
        specversion: '1.0', id: 'swap-agreed', type: 'exchange.agreed', source: 'newsroom/desk', subject: 'exchange/x-1', time: '2026-01-01T09:00:00Z', datacontenttype: 'application/json',
        data: { occurredAt: '2025-05-16', source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { parties: ['UA', 'RU'] } },
      };
      const whole = d.draftOf(letter({ preview: JSON.stringify(ce), bytes: JSON.stringify(ce).length, reason: 'id_conflict: id "swap-agreed" was already used' }));
      expect(JSON.parse(whole.text)).toEqual({ id: 'swap-agreed', type: 'exchange.agreed', subject: 'exchange/x-1', occurredAt: '2025-05-16', source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { parties: ['UA', 'RU'] } });
      expect(whole.complete).toBe(true);
      expect(whole.note).toMatch(/give it a new id\.$/);
      expect(d.draftOf(letter({ preview: '{"specversion":"1.0","id":"x"', bytes: 612, previewTruncated: true }))).toEqual({
        text: '{"specversion":"1.0","id":"x"', complete: false, note: 'Only the first 29 characters were kept (612 bytes in all): complete the report before sending.',
      });
      expect(d.draftOf(letter({ preview: 'this is not JSON', bytes: 16 }))).toMatchObject({ text: 'this is not JSON', complete: false, note: 'The message is not JSON: rewrite it as a report.' });
      expect(d.draftOf(letter({ preview: null }))).toMatchObject({ text: '', complete: false });
    });

    it('says what the ingest API answered', () => {
      expect(d.resubmitWords(202, { eventId: 'e1', subject: 'exchange/x-1', partition: 2, offset: '17' })).toEqual({ ok: true, text: 'Recorded as e1 (exchange/x-1, partition 2, offset 17).' });
      expect(d.resubmitWords(200, { eventId: 'e1', duplicate: true }).ok).toBe(true);
      expect(d.resubmitWords(400, { error: 'invalid_report', message: 'not a valid report', details: [{ path: 'confirmation', message: 'must be one of …' }] })).toEqual({
        ok: false, text: 'Not recorded (400 invalid_report): not a valid report — confirmation: must be one of …',
      });
      expect(d.resubmitWords(502, null)).toEqual({ ok: false, text: 'Not recorded (502): the ingest API answered 502' });
    });
  });

  describe('the feed parser (sse.js, libs/client\'s SseParser as served)', () => {
    const { SseParser: Served } = loadPageModule<Sse>(SSE_MODULE);

    it('reads events split anywhere across chunks, CRLF or LF, comments apart, as the client does', () => {
      const stream = ['retry: 2000\n: connected\n\nid: 4', '1\ndata: {"a":', '1}\n\n: keep-alive\n\r\n', 'id: 42\r\ndata: x\r\ndata: y\r\n\r\nid: 43\n', 'event: change\ndata:z\n\n'];
      const read = (P: typeof SseParser) => {
        const events: SseEvent[] = [];
        const comments: string[] = [];
        const p = new P((e) => events.push(e), (c) => comments.push(c));
        for (const chunk of stream) p.push(chunk);
        return { events, comments, lastEventId: p.lastEventId, retryMs: p.retryMs };
      };
      const served = read(Served);
      expect(served).toEqual({
        events: [
          { id: '41', event: undefined, data: '{"a":1}' },
          { id: '42', event: undefined, data: 'x\ny' },
          { id: '43', event: 'change', data: 'z' },
        ],
        comments: ['connected', 'keep-alive'],
        lastEventId: '43',
        retryMs: 2000,
      });
      expect(served).toEqual(read(SseParser));
    });

    it('keeps the id of an event whose data has not arrived yet apart from dispatch', () => {
      const seen: string[] = [];
      const p = new Served((e) => seen.push(`${e.id}:${e.data}`));
      p.push('id: 7\n');
      expect([seen, p.lastEventId]).toEqual([[], '7']);
      p.push('data: late\n\n');
      expect(seen).toEqual(['7:late']);
    });
  });
});
