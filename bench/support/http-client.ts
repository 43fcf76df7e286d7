import * as http from 'node:http';
import { performance } from 'node:perf_hooks';

/** One HTTP/1.1 POST on a keep-alive agent: status and body. Cheaper per call than fetch. */
export function post(agent: http.Agent, url: URL, key: string | undefined, body: string, contentType: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'content-type': contentType, 'content-length': Buffer.byteLength(body) };
    if (key) headers.authorization = `Bearer ${key}`;
    const req = http.request(url, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `writers` loops that take the next index until `total`; returns per-call latencies. */
export async function drive(total: number, writers: number, call: (i: number) => Promise<void>): Promise<Float64Array> {
  const latencies = new Float64Array(total);
  let next = 0;
  await Promise.all(Array.from({ length: writers }, async () => {
    for (let i = next++; i < total; i = next++) {
      const t = performance.now();
      await call(i);
      latencies[i] = performance.now() - t;
    }
  }));
  return latencies;
}

/** Runs `writers` loops, each taking the next index, until `seconds` have passed; returns how many calls were made. */
export async function driveFor(seconds: number, writers: number, call: (i: number) => Promise<void>): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let next = 0;
  await Promise.all(Array.from({ length: writers }, async () => {
    while (performance.now() < until) await call(next++);
  }));
  return next;
}

export const perSecond = (n: number, ms: number) => Math.round((n * 1000) / ms);
