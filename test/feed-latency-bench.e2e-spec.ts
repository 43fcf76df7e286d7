import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import type { FeedBenchResult } from '../bench/feed-latency.bench';

describe('feed latency bench (tiny run, so the script never rots)', () => {
  it('runs its own stack, and every subscriber receives every change in order', async () => {
    const bench = spawn(process.execPath, [
      path.join(__dirname, '..', 'dist', 'bench', 'feed-latency.bench.js'),
      '--rate', '40', '--subscribers', '4', '--seconds', '2', '--warmup', '1', '--workers', '2',
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    bench.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    const [code] = (await once(bench, 'exit')) as [number | null];
    expect(code).toBe(0);
    const result = JSON.parse(out.slice(out.indexOf('{'))) as FeedBenchResult;
    expect(result.events).toBe(120);
    expect(result.deliveries).toMatchObject({ expected: 480, received: 480, missing: 0, outOfOrder: 0 });
    expect(result.latencyMs.samples).toBe(80 * 4);
  });
});
