import { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { FeedConnection } from './feed.connection';
import { FeedChange } from './status-changes-published.event';
import { sseFrame } from './sse.format';

function change(seq: number, subject = 'exchange/a', field = 'status'): FeedChange {
  const json = JSON.stringify({ id: `ev-${seq}:${field}`, subject, field });
  return { seq, subject, kind: 'exchange', field, json, frame: sseFrame(seq, json) };
}

/** A response that records what was written, with a configurable high-water mark. */
function response(highWaterMark = 1 << 20): { res: ServerResponse; sent: () => Promise<number[]> } {
  let text = '';
  const w = new Writable({ highWaterMark, write(chunk: Buffer, _enc, done) { text += chunk.toString(); setImmediate(done); } });
  const sent = async () => {
    await new Promise<void>((resolve) => w.end(resolve));
    return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
  };
  return { res: w as unknown as ServerResponse, sent };
}

describe('FeedConnection', () => {
  it('buffers live changes during catch-up, then sends each position once, in order', async () => {
    const { res, sent } = response();
    const c = new FeedConnection(res, {}, 1 << 20);
    c.receive([change(11), change(12)]);
    await c.catchUp([change(3), change(7), change(10)]);
    c.receive([change(12), change(13)]);
    c.goLive(10);
    c.receive([change(13), change(14)]);
    expect(await sent()).toEqual([3, 7, 10, 11, 12, 13, 14]);
  });

  it('never sends what its filter refuses, nor a position at or below its start', async () => {
    const { res, sent } = response();
    const c = new FeedConnection(res, { field: ['status'] }, 1 << 20);
    c.goLive(20);
    c.receive([change(19), change(21, 'exchange/a', 'reportedStatus'), change(22), change(20)]);
    expect(await sent()).toEqual([22]);
  });

  it('cuts off a client that lets too much pile up; it resumes from its Last-Event-ID', () => {
    const { res } = response(16);
    const c = new FeedConnection(res, {}, 1024);
    c.goLive(0);
    for (let i = 1; i <= 100 && !c.closed; i++) c.receive([change(i)]);
    expect(c.closed).toBe(true);
  });

  it('cuts off a client that stops reading during its catch-up once live changes pile up, and ends the catch-up', async () => {
    // A socket that takes 64 bytes and then never drains.
    const res = new Writable({ highWaterMark: 64, write() {} }) as unknown as ServerResponse;
    const c = new FeedConnection(res, {}, 1024);
    const catchingUp = c.catchUp([change(1), change(2), change(3)]);
    for (let i = 100; i < 200 && !c.closed; i++) c.receive([change(i)]);
    expect(c.closed).toBe(true);
    await catchingUp;
  });

  it('counts against its buffer during catch-up only the live frames it will send: its filter\'s, beyond the catch-up', async () => {
    const { res, sent } = response();
    const frame = change(1).frame.length;
    // Room for ten frames of its own; the live load is far more, but of other fields or already covered.
    const c = new FeedConnection(res, { field: ['status'] }, 10 * frame + 10);
    c.catchingUpTo(1000);
    await c.catchUp([change(3), change(7)]);
    for (let i = 0; i < 200; i++) c.receive([change(500 + i), change(1001 + i, 'exchange/a', 'reportedStatus')]);
    // The same frames again, in overlapping batches, would be sent once and count once.
    for (let i = 0; i < 5; i++) c.receive([change(2001), change(2002), change(2003)]);
    expect(c.closed).toBe(false);
    await c.catchUp([change(999)]);
    c.goLive(1000);
    expect(await sent()).toEqual([3, 7, 999, 2001, 2002, 2003]);
  });

  it('still cuts off during catch-up when its own live frames beyond the catch-up pile up', () => {
    const { res } = response();
    const frame = change(1).frame.length;
    const c = new FeedConnection(res, { field: ['status'] }, 10 * frame + 10);
    c.catchingUpTo(1000);
    for (let i = 1; i <= 11; i++) c.receive([change(1000 + i), change(1000 + i, 'exchange/a', 'reportedStatus')]);
    expect(c.closed).toBe(true);
  });
});
