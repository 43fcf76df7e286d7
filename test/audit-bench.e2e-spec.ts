import * as path from 'node:path';
import { runAuditBench } from '../bench/audit.bench';

/** Runs the audit benchmark tiny, so it keeps working; its figures are reported, never asserted. */
describe('bench/audit.bench.ts (tiny run, compiled apps, real Kafka and PostgreSQL)', () => {
  it('measures as-of latency and rebuild speed on a stack of its own, and cleans up', async () => {
    const lines: string[] = [];
    const result = await runAuditBench({
      subjectEvents: 60,
      logEvents: 60,
      subjects: 6,
      samples: 2,
      snapshotEvery: 10,
      dist: path.join(__dirname, '..', 'dist'),
      log: (line) => lines.push(line),
    });
    expect(result.subjectEvents).toBe(60);
    for (const figures of Object.values(result.latencyMs)) {
      expect(figures).toEqual({ p50: expect.any(Number), p95: expect.any(Number), max: expect.any(Number), samples: 2 });
    }
    expect(result.rebuild).toMatchObject({ eventsPerSecond: expect.any(Number), differences: 0 });
    expect(result.verify).toMatchObject({ ok: true, events: 120 });
    expect(lines.length).toBeGreaterThan(0);
  });
});
