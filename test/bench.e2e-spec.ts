import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import type { BenchResult } from '../bench/bench';

describe('npm run bench (tiny sizes, so the bench never rots)', () => {
  it('measures every section beside its limit and the peer, and prints the ratios and CPU tables', async () => {
    const bench = spawn(process.execPath, [
      path.join(__dirname, '..', 'dist', 'bench', 'bench.js'), '--json',
      '--subjects', '20', '--single-reports', '200', '--warmup-seconds', '1', '--writers', '4', '--batch-reports', '300', '--batch-size', '50', '--batch-writers', '2',
      '--kafka-reports', '300', '--projection-events', '2000', '--projection-subjects', '50',
      '--feed-rate', '40', '--feed-subscribers', '4', '--feed-seconds', '2', '--feed-warmup', '1', '--feed-follow', '0',
      '--subject-events', '300', '--log-events', '500', '--audit-samples', '3',
    ], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    bench.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    const [code] = (await once(bench, 'exit')) as [number | null];
    expect(code).toBe(0);

    const tableText = out.slice(0, out.indexOf('\n{'));
    const result = JSON.parse(out.slice(out.indexOf('\n{') + 1)) as BenchResult;
    // Every measure is a row, beside its limit from the same run.
    for (const what of ['single POST', 'ingest API CPU', 'batch endpoint', 'kafkajs straight', 'projection catch-up', 'peak RSS', 'feed append→SSE', 'as-of', 'full rebuild']) {
      expect(tableText).toContain(what);
    }
    expect(tableText).toContain('ProducerPerformance');
    expect(tableText).toContain('raw pg');
    expect(tableText).toContain('load average');
    // The targets beside the ratios, and the CPU table with the peer and the bare server.
    for (const target of ['≥ 2× Emmett', '≥ 10× Emmett', '≤ 4× bare', 'p99 ≤ 50', '≥ 65 % of raw pg', '≤ 512', 'p99 ≤ relayed p99 + 25 ms', 'p95 ≤ live read p95']) {
      expect(tableText).toContain(target);
    }
    const cpuTable = tableText.slice(tableText.indexOf('CPU per report'));
    for (const path of ['bare node:http', 'Emmett 0.42.0 on PostgreSQL', 'newsledger single POST', 'newsledger batch endpoint', 'kafkajs straight']) {
      expect(cpuTable).toContain(path);
    }

    const { ingest, projection, feed, audit } = result;
    expect(ingest).toMatchObject({ single: { reports: 200 }, batch: { reports: 300 }, kafkajs: { reports: 300 }, kafkaPerfTool: { reports: 300 } });
    for (const t of [ingest!.single, ingest!.batch, ingest!.kafkajs, ingest!.kafkaPerfTool]) expect(t.ackedPerSecond).toBeGreaterThan(0);
    expect(ingest!.recordSize).toBeGreaterThan(200);
    // The peer got the same single-report sequence from the same client, and each ratio is of the same run.
    const { emmett, bare } = ingest!.peer;
    expect(emmett).toMatchObject({ reports: 200, latencyMs: { p99: expect.any(Number) } });
    expect(bare).toMatchObject({ reports: 200 });
    expect(emmett.perSecond).toBeGreaterThan(0);
    expect(bare.perSecond).toBeGreaterThan(0);
    const { ratios } = result;
    expect(ratios!.single).toBe(Number((ingest!.single.projectedPerSecond! / emmett.perSecond).toPrecision(2)));
    expect(ratios!.batch).toBe(Number((ingest!.batch.projectedPerSecond! / emmett.perSecond).toPrecision(2)));
    expect(ratios!.kafkajs).toBe(Number((ingest!.kafkajs.projectedPerSecond! / emmett.perSecond).toPrecision(2)));
    expect(tableText).toContain(`× ${ratios!.single}`);
    // CPU from /proc for every process of each path (a count of clock ticks, so it may be 0 at this size).
    expect(bare.cpuMicros).toEqual({ client: expect.any(Number), server: expect.any(Number) });
    expect(emmett.cpuMicros).toEqual({ client: expect.any(Number), server: expect.any(Number), postgres: expect.any(Number) });
    for (const t of [ingest!.single, ingest!.batch, ingest!.kafkajs]) {
      expect(t.cpuMicros).toEqual({ client: expect.any(Number), server: expect.any(Number), projector: expect.any(Number), postgres: expect.any(Number), broker: expect.any(Number) });
    }
    expect(ingest!.single.cpuMicros!.server).toBeGreaterThan(0);
    // The limit's transactions are the size of the projector's, measured in its catch-up.
    expect(projection).toMatchObject({ events: 2000, subjects: 50, rawPg: { projectorsBatch: true } });
    expect(projection!.rawPg.batch).toBeGreaterThanOrEqual(1);
    expect(projection!.rawPg.batch).toBeLessThanOrEqual(2000);
    expect(tableText).toContain(`${projection!.rawPg.batch.toLocaleString('en-US')} events per tx, the projector's mean`);
    expect(projection!.projector.eventsPerSecond).toBeGreaterThan(0);
    expect(projection!.rawPg.eventsPerSecond).toBeGreaterThan(0);
    expect(projection!.projector.peakRssMb).toBeGreaterThan(0);
    // The catch-up's CPU an event per process, beside the limit's PostgreSQL: the projector runs
    // for seconds even at this size, so it has ticks; the others may have none.
    expect(projection!.projector.cpuMicros).toEqual({ projector: expect.any(Number), projectorMain: expect.any(Number), postgres: expect.any(Number), broker: expect.any(Number) });
    expect(projection!.projector.cpuMicros.projector).toBeGreaterThan(0);
    expect(projection!.projector.cpuMicros.projectorMain!).toBeLessThanOrEqual(projection!.projector.cpuMicros.projector!);
    expect(projection!.rawPg.cpuMicros).toEqual({ postgres: expect.any(Number) });
    const catchUpTable = tableText.slice(tableText.indexOf('CPU per event in the catch-up'));
    expect(catchUpTable).toMatch(/two cores allow \d+(\.\d)? µs an event/);
    for (const run of ['projector catch-up', 'raw pg, the same rows']) expect(catchUpTable).toContain(run);
    // 40 events/s for 1 + 2 s, each a change every one of the 4 subscribers follows.
    expect(feed!.events).toBe(120);
    expect(feed!.deliveries).toMatchObject({ expected: 480, received: 480, missing: 0, outOfOrder: 0 });
    expect(feed!.latencyMs.samples).toBe(80 * 4);
    expect(audit!.rebuild.differences).toBe(0);
    expect(audit!.verify).toMatchObject({ ok: true, events: 800 });
    for (const figures of Object.values(audit!.latencyMs)) expect(figures.samples).toBe(3);
  });
});
