import { openDataSource } from '@newsledger/persistence';
import { eventually, testConfig } from '@newsledger/testing';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { expectViewsEqualFreshReplay, indexedCount } from '../support/crash-fixture';
import { recordFigures } from '../support/figures';
import { AppProcess, broker, faultKafka, FaultRun, Health, healthOf, newRun, startApp, stopAllApps } from './support/fault-stack';
import { readLog } from '../support/log-read';

const WORKERS = 6;
/** Workers that send their reports through the batch endpoint, a few lines a request: each line stands alone. */
const BATCH_WORKERS = 2;
const BATCH_LINES = 5;
/** The HTTP status a batch line's outcome stands for, as a single report would be answered. */
const LINE_STATUS: Record<string, number> = { accepted: 202, duplicate: 200, failed: 503, rejected: 400 };
const SUBJECTS = 40;
/** Reports accepted between two outages, so each outage starts on a working stack. */
const BETWEEN = 300;
/** How long the broker stays down once stopped, before it is started again (its start adds more). */
const DOWN_MS = 8000;
/** "Promptly", generously: a 503 slower than this is a hang. */
const PROMPT_MS = 10_000;

interface Attempt {
  status: number;
  ms: number;
  sentAt: number;
  retryAfter: string | null;
  body: { partition?: number; offset?: string; error?: string };
}

describe('Kafka stopped and killed during ingest, single reports and batches (own broker and PostgreSQL)', () => {
  const kafka = faultKafka('fault-broker-outage');
  let db: DataSource;

  beforeAll(async () => {
    db = await openDataSource(process.env.DATABASE_URL!, 2);
  });
  afterAll(async () => {
    await stopAllApps();
    await db?.destroy();
  });

  it('acknowledges only what is on the log, exactly once, and answers 503 with Retry-After promptly while the broker is down', async () => {
    const run: FaultRun = await newRun(kafka, 'outage');
    const ingest: AppProcess = await startApp('ingest-api', run);
    const projector: AppProcess = await startApp('projector', run);
    const attempts = new Map<string, Attempt[]>();
    /** Ids first sent as a batch line. */
    const batched = new Set<string>();
    const bodies = new Map<string, object>();
    let next = 0;
    let accepted = 0;
    let loadOn = true;

    async function send(id: string): Promise<Attempt> {
      const sentAt = performance.now();
      let attempt: Attempt;
      try {
        const res = await fetch(`${ingest.url}/v1/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${testConfig.adminKey}` },
          body: JSON.stringify(bodies.get(id)),
          // A hang is a failure of its own: recorded, never waited out.
          signal: AbortSignal.timeout(60_000),
        });
        attempt = { status: res.status, ms: performance.now() - sentAt, sentAt, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Attempt['body'] };
      } catch (e) {
        attempt = { status: 0, ms: performance.now() - sentAt, sentAt, retryAfter: null, body: { error: String(e) } };
      }
      (attempts.get(id) ?? attempts.set(id, []).get(id)!).push(attempt);
      if (attempt.status === 202 || attempt.status === 200) accepted += 1;
      return attempt;
    }

    /** What invalid batch lines were answered (the HTTP status their outcome stands for). */
    const invalidLines: number[] = [];

    /**
     * Sends reports as one batch; each line is an attempt of its own, answered by its line's
     * outcome. `null` is a line no report could be (it must be rejected, alone).
     */
    async function sendBatch(lines: (string | null)[]): Promise<Attempt> {
      const sentAt = performance.now();
      let answers: Attempt[];
      try {
        const res = await fetch(`${ingest.url}/v1/reports/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${testConfig.adminKey}` },
          body: JSON.stringify(lines.map((id) => (id === null ? { type: 'exchange.rumoured', subject: 'exchange/x' } : bodies.get(id)))),
          signal: AbortSignal.timeout(60_000),
        });
        const body = (await res.json()) as { results?: { status: string; partition?: number; offset?: string; error?: string }[]; error?: string };
        const ms = performance.now() - sentAt;
        const retryAfter = res.headers.get('retry-after');
        answers = lines.map((_, k) => {
          const r = body.results?.[k];
          return r
            ? { status: LINE_STATUS[r.status], ms, sentAt, retryAfter, body: { partition: r.partition, offset: r.offset, error: r.error } }
            : { status: res.status, ms, sentAt, retryAfter, body: { error: body.error } };
        });
      } catch (e) {
        answers = lines.map(() => ({ status: 0, ms: performance.now() - sentAt, sentAt, retryAfter: null, body: { error: String(e) } }));
      }
      lines.forEach((id, k) => {
        if (id === null) return void invalidLines.push(answers[k].status);
        batched.add(id);
        (attempts.get(id) ?? attempts.set(id, []).get(id)!).push(answers[k]);
        if (answers[k].status === 202 || answers[k].status === 200) accepted += 1;
      });
      return answers.find((a, k) => lines[k] !== null && a.status !== 202) ?? answers[0];
    }

    async function worker(w: number): Promise<void> {
      for (let round = 0; loadOn; round++) {
        const ids = Array.from({ length: w < BATCH_WORKERS ? BATCH_LINES : 1 }, () => {
          const n = next++;
          const id = `${run.runId}-ev-${n}`;
          bodies.set(id, {
            id, type: 'exchange.details.reported', subject: `exchange/${run.runId}-${n % SUBJECTS}`,
            source: { name: 'wire', kind: 'agency' }, confirmation: 'reported', data: { expectedDays: 1 + (n % 5) },
          });
          return id;
        });
        // Every third batch also repeats its first id and carries a line that is no report: lines that fare otherwise.
        const a = ids.length === 1 ? await send(ids[0]) : await sendBatch(round % 3 === 0 ? [...ids, ids[0], null] : ids);
        // A client told to come back later does not hammer the server meanwhile.
        if (a.status !== 202) await sleep(250);
      }
    }

    const acceptedAtLeast = (n: number) => eventually(`${n} reports accepted`, async () => (accepted >= n ? true : undefined), 180_000);
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    const outages: { how: string; down: [number, number]; ready: number; health: Health }[] = [];
    // A SIGKILL mid-request is what leaves an append in doubt (on the log, its reply lost): twice.
    for (const how of ['stopped', 'killed', 'killed'] as const) {
      await acceptedAtLeast(accepted + BETWEEN);
      if (how === 'stopped') await broker.stop();
      else await broker.kill();
      const downFrom = performance.now();
      const health = await healthOf(ingest);
      await sleep(DOWN_MS);
      const downTo = performance.now();
      await broker.start();
      outages.push({ how, down: [downFrom, downTo], ready: performance.now(), health });
    }
    await acceptedAtLeast(accepted + BETWEEN);
    loadOn = false;
    await load;

    // As a client would: every report not acknowledged is sent again, with its id, the way it was
    // sent first (batch lines in batches), until it is.
    const answered = (id: string) => attempts.get(id)!.some((a) => a.status === 202 || a.status === 200);
    const unanswered = [...attempts.keys()].filter((id) => !answered(id));
    const retries: string[][] = [];
    const retryLines = unanswered.filter((id) => batched.has(id));
    for (let k = 0; k < retryLines.length; k += BATCH_LINES) retries.push(retryLines.slice(k, k + BATCH_LINES));
    retries.push(...unanswered.filter((id) => !batched.has(id)).map((id) => [id]));
    await Promise.all(Array.from({ length: WORKERS }, async () => {
      for (let ids = retries.pop(); ids !== undefined; ids = retries.pop()) {
        const again = ids;
        await eventually(`${again.join(', ')} to be accepted on retry`, async () => {
          const left = again.filter((id) => !answered(id));
          if (left.length === 0) return true;
          await (batched.has(left[0]) ? sendBatch(left) : send(left[0]));
          return left.every(answered) ? true : undefined;
        }, 60_000);
      }
    }));

    const all = [...attempts.values()].flat();
    // From the broker answering again to the first report acknowledged after it.
    const recoveryMs = outages.map((o) => Math.min(...all.filter((a) => a.status === 202 && a.sentAt >= o.ready).map((a) => a.sentAt + a.ms - o.ready)));
    const refused = all.filter((a) => a.status === 503);
    const maxRefusedMs = Math.max(...refused.map((a) => a.ms));
    // Sent while the broker was down: nothing could be acknowledged.
    const whileDown = all.filter((a) => outages.some((o) => a.sentAt >= o.down[0] && a.sentAt + a.ms <= o.down[1]));
    expect(all.filter((a) => ![200, 202, 503].includes(a.status))).toEqual([]);
    expect(refused.filter((a) => a.retryAfter === null || a.body.error !== 'log_unavailable')).toEqual([]);
    expect(whileDown.length).toBeGreaterThan(0);
    // Both ways of sending met the outage.
    const downIds = [...attempts].filter(([, list]) => list.some((a) => whileDown.includes(a))).map(([id]) => id);
    expect({ single: downIds.some((id) => !batched.has(id)), batch: downIds.some((id) => batched.has(id)) }).toEqual({ single: true, batch: true });
    // A line that is no report is refused alone, whatever the broker is doing (unless the whole request failed).
    expect(invalidLines.length).toBeGreaterThan(0);
    expect(invalidLines.filter((status) => status !== 400 && status !== 503 && status !== 0)).toEqual([]);
    expect(invalidLines.filter((status) => status === 400).length).toBeGreaterThan(0);
    expect(whileDown.filter((a) => a.status !== 503)).toEqual([]);
    expect(maxRefusedMs).toBeLessThan(PROMPT_MS);
    // The desks' admission lag cannot be read without the broker, and does not add to its outage.
    for (const o of outages) expect(o.health).toEqual({ status: 503, down: ['kafka'], up: ['admission', 'log', 'postgres'] });

    // Every acknowledged report is on the log exactly once, where its answer said.
    const log = await readLog(kafka, run.topics.events);
    const copies = new Map<string, { partition: number; offset: string }[]>();
    for (const m of log) (copies.get(m.id) ?? copies.set(m.id, []).get(m.id)!).push({ partition: m.partition, offset: m.offset });
    const lost: string[] = [];
    const doubled: string[] = [];
    const misplaced: string[] = [];
    for (const [id, list] of attempts) {
      const ok = list.find((a) => a.status === 202 || a.status === 200)!;
      const found = copies.get(id) ?? [];
      if (found.length === 0) lost.push(id);
      else if (found.length > 1) doubled.push(id);
      else if (found[0].partition !== ok.body.partition || found[0].offset !== ok.body.offset) misplaced.push(id);
    }
    expect({ lost, doubled, misplaced, unknown: [...copies.keys()].filter((id) => !attempts.has(id)) }).toEqual({ lost: [], doubled: [], misplaced: [], unknown: [] });

    // The projector lived through both outages and caught up.
    await eventually('every report to be projected', async () => ((await indexedCount(db, run.runId)) === attempts.size ? true : undefined), 300_000);
    expect(projector.child.exitCode).toBeNull();
    await projector.stop('SIGTERM');
    await ingest.stop('SIGTERM');
    expect(await expectViewsEqualFreshReplay(kafka, db, run.topics.events, run.runId)).toBe(attempts.size);

    recordFigures('brokerOutage', {
      reports: attempts.size, requests: all.length, outages: outages.length,
      brokerStops: outages.filter((o) => o.how === 'stopped').length, brokerKills: outages.filter((o) => o.how === 'killed').length,
      // Answered 503, yet on the log: the producer's resend confirmed them and the client's resend got `duplicate`.
      landedDespite503: all.filter((a) => a.status === 200).length,
      landedDespite503Batch: [...attempts].filter(([id, list]) => batched.has(id) && list.some((a) => a.status === 503) && list.some((a) => a.status === 200)).length,
      downSeconds: outages.map((o) => ((o.down[1] - o.down[0]) / 1000).toFixed(1)).join(' '),
      batchLines: batched.size, refused503: refused.length, sentWhileDown: whileDown.length, max503Ms: Math.round(maxRefusedMs),
      p50_503Ms: Math.round(refused.map((a) => a.ms).sort((a, b) => a - b)[Math.floor(refused.length / 2)] ?? 0),
      recoveryMs: recoveryMs.map(Math.round).join(' '), retriedAfterRecovery: unanswered.length, status5xxOther: 0, lost: lost.length, duplicated: doubled.length,
    });
  });
});
