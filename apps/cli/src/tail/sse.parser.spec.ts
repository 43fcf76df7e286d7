import { SseEvent, SseParser } from './sse.parser';
import { formatChange } from './tail.command';

describe('SseParser', () => {
  it('dispatches events split across chunks, with ids, skipping comments', () => {
    const events: SseEvent[] = [];
    const comments: string[] = [];
    const p = new SseParser((e) => events.push(e), (c) => comments.push(c));
    for (const chunk of ['retry: 2000\n: connected\n\nid: 4', '1\ndata: {"a":', '1}\n\n: keep-alive\n\r\n', 'id: 42\r\ndata: x\r\ndata: y\r\n\r\n']) p.push(chunk);
    expect(events).toEqual([
      { id: '41', event: undefined, data: '{"a":1}' },
      { id: '42', event: undefined, data: 'x\ny' },
    ]);
    expect(comments).toEqual(['connected', 'keep-alive']);
    expect(p.lastEventId).toBe('42');
  });

  it('does not dispatch an event without data', () => {
    const events: SseEvent[] = [];
    const p = new SseParser((e) => events.push(e));
    p.push('id: 5\n\n');
    expect(events).toEqual([]);
    expect(p.lastEventId).toBe('5');
  });
});

describe('tail output', () => {
  const change = { id: 'e:status', subject: 'exchange/a', field: 'status', from: null, to: 'agreed', causedBy: 'e', recordedAt: '2025-05-16T10:00:00.000Z' };

  it('prints one readable line per change, or JSON with its position', () => {
    expect(formatChange('12', change, false)).toBe('12  2025-05-16T10:00:00.000Z  exchange/a  status: ∅ → agreed  (e)');
    expect(JSON.parse(formatChange('12', change, true))).toEqual({ position: '12', ...change });
  });
});
