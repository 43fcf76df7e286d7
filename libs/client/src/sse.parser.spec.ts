import { SseEvent, SseParser } from './sse.parser';

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
    expect(p.retryMs).toBe(2000);
  });

  it('does not dispatch an event without data', () => {
    const events: SseEvent[] = [];
    const p = new SseParser((e) => events.push(e));
    p.push('id: 5\n\n');
    expect(events).toEqual([]);
    expect(p.lastEventId).toBe('5');
  });

  it('ignores a retry that is not a whole number', () => {
    const p = new SseParser(() => undefined);
    p.push('retry: soon\n\n');
    expect(p.retryMs).toBeUndefined();
  });
});
