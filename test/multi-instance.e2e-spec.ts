import { createKafka, ensureTopics } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, freshId, ownStack, testConfig } from '@newsledger/testing';
import { ChildProcess, execFile, PromiseWithChild, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { freePort } from '../bench/support/bench.stack';

const runFile = promisify(execFile);
const DIST = path.join(__dirname, '..', 'dist', 'apps');

// A stack of its own: the rebuild swaps its schema's tables; the apps run compiled, as processes.
const { run, schema, topics } = ownStack('multi');
const group = `${run}-projector`;
const logDir = path.join(__dirname, '..', '.cache', 'multi-instance', run);

type AppName = 'ingest-api' | 'query-api' | 'projector';

/** A compiled app as a child process; its output (JSON lines) goes to `<logDir>/<label>.log`. */
interface App {
  label: string;
  child: ChildProcess;
  url: string;
}

const apps: App[] = [];

async function startApp(name: AppName, label: string): Promise<App> {
  const port = await freePort();
  const env = {
    ...process.env,
    ...(name === 'ingest-api' ? { INGEST_PORT: String(port) } : name === 'query-api' ? { QUERY_PORT: String(port) } : { METRICS_PORT: String(port) }),
    // Short enough that a dead worker's job and a dead projector's partitions move on within seconds.
    JOB_LEASE_MS: '3000',
    JOB_POLL_MS: '200',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    // A delivery that timed out on a busy machine would be sent again (at least once, by design):
    // not what this test is about, which is two dispatchers never sending one change twice.
    WEBHOOK_TIMEOUT_MS: '30000',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  };
  fs.mkdirSync(logDir, { recursive: true });
  const out = fs.openSync(path.join(logDir, `${label}.log`), 'a');
  const child = spawn(process.execPath, [path.join(DIST, name, 'src', 'main.js')], { env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const app = { label, child, url: `http://127.0.0.1:${port}` };
  apps.push(app);
  await eventually(`${label} /health`, async () => ((await fetch(`${app.url}/health`)).status === 200 ? true : undefined), 60_000);
  return app;
}

/** A webhook receiver that counts every delivery of every change id. */
class Receiver {
  readonly received = new Map<string, number>();
  readonly order: { subject: string; id: string; attempt: string }[] = [];
  private server: Server | undefined;

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
        const change = JSON.parse(body) as { id: string; subject: string };
        this.received.set(change.id, (this.received.get(change.id) ?? 0) + 1);
        this.order.push({ subject: change.subject, id: change.id, attempt: String(req.headers['newsledger-attempt']) });
        res.writeHead(204).end();
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    this.server?.close();
  }
}

function report(id: string, subject: string, type: string, confirmation = 'confirmed', data: unknown = {}) {
  return { id, type, subject, source: { name: 'wire', kind: 'agency' }, confirmation, data };
}

/** Readers hitting both query APIs until stopped; every answer that is not a 200 is a failure. */
function readers(urls: string[], ids: string[]) {
  let reading = true;
  let reads = 0;
  const failures: string[] = [];
  const loop = async (n: number) => {
    for (let i = n; reading; i++) {
      const id = ids[i % ids.length];
      const paths = [`/v1/exchanges/${id}`, '/v1/exchanges?limit=20', `/v1/exchanges/${id}/history`, `/v1/exchanges/${id}?asOf=${new Date().toISOString()}`];
      const url = urls[i % urls.length];
      const p = paths[Math.floor(i / urls.length) % paths.length];
      const r = await client(url)('GET', p).catch((e: unknown) => ({ status: 0, body: String(e) }));
      reads += 1;
      if (r.status !== 200) failures.push(`${url}${p}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  };
  const running = [0, 1, 2, 3].map(loop);
  return {
    get reads() {
      return reads;
    },
    failures,
    async stop() {
      reading = false;
      await Promise.all(running);
    },
  };
}

describe('two query APIs and two projectors side by side (compiled apps as processes, real Kafka and PostgreSQL)', () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'multi-instance-spec' });
  const receiver = new Receiver();
  let db: DataSource;
  let ingest: App;
  let queries: App[];
  let projectors: App[];
  const ids = Array.from({ length: 12 }, () => freshId('side'));

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 4, schema);
    await ensureTopics(kafka, { ...topics, eventsPartitions: 6 });
    [ingest, ...queries] = await Promise.all([startApp('ingest-api', 'ingest'), startApp('query-api', 'query-a'), startApp('query-api', 'query-b')]);
    projectors = await Promise.all([startApp('projector', 'projector-a'), startApp('projector', 'projector-b')]);
  });
  afterAll(async () => {
    await Promise.all(
      apps.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await receiver.close();
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('delivers every webhook once per change, and reads never fail meanwhile', async () => {
    const subscribed = await client(queries[0].url)('POST', '/v1/subscriptions', { url: await receiver.listen(), secret: `secret-${run}-0123456789`, filter: { kind: 'exchange' } });
    expect(subscribed.status).toBe(201);
    const post = client(ingest.url);
    for (const id of ids) expect((await post('POST', '/v1/reports', report(`${id}-1`, `exchange/${id}`, 'exchange.agreed', 'confirmed', { parties: ['UA', 'RU'] }))).status).toBe(202);
    await eventually('the first views', async () => ((await db.query(`SELECT count(*)::int AS n FROM views`))[0].n === ids.length ? true : undefined));

    const load = readers(queries.map((q) => q.url), ids);
    try {
      const steps: [string, string][] = [['exchange.underway', 'confirmed'], ['exchange.completed', 'claimed'], ['exchange.completed', 'confirmed']];
      for (const [n, [type, confirmation]] of steps.entries()) {
        await Promise.all(ids.map(async (id) => expect((await post('POST', '/v1/reports', report(`${id}-${n + 2}`, `exchange/${id}`, type, confirmation))).status).toBe(202)));
      }
      await eventually('every report projected', async () =>
        ((await db.query(`SELECT count(*)::int AS n FROM views WHERE event_count = 4`))[0].n === ids.length ? true : undefined), 60_000);
      const expected: { id: string }[] = await db.query(`SELECT id FROM status_changes WHERE topic = $1 ORDER BY seq`, [topics.statusChanges]);
      // agreed, underway and completed each set status and reportedStatus; the claim moves reportedStatus alone.
      expect(expected.length).toBeGreaterThanOrEqual(ids.length * 4);
      await eventually('every change delivered', async () => {
        const states: { state: string; n: number }[] = await db.query(`SELECT state, count(*)::int AS n FROM webhook_deliveries GROUP BY state`);
        return states.length === 1 && states[0].state === 'delivered' && states[0].n === expected.length ? true : undefined;
      }, 60_000);
      // Delivered and marked: nothing of these can be sent again, so the counts are final.
      expect([...receiver.received.keys()].sort()).toEqual(expected.map((c) => c.id).sort());
      expect([...receiver.received].filter(([, n]) => n !== 1)).toEqual([]);
      expect(receiver.order.filter((d) => d.attempt !== '1')).toEqual([]);
      for (const id of ids) {
        const mine = receiver.order.filter((d) => d.subject === `exchange/${id}`).map((d) => d.id);
        expect(mine).toEqual(expected.map((c) => c.id).filter((c) => c.startsWith(`${id}-`)));
      }
      // Both projectors deliver; between them, each change exactly once.
      const delivered = await Promise.all(
        projectors.map(async (p) => {
          const text = String((await client(p.url)('GET', '/metrics')).body);
          return Number(/newsledger_webhook_attempts_total\{outcome="delivered"\} (\d+)/.exec(text)?.[1]);
        }),
      );
      expect(delivered[0] + delivered[1]).toBe(expected.length);
    } finally {
      await load.stop();
    }
    expect(load.failures).toEqual([]);
    expect(load.reads).toBeGreaterThan(20);
  });

  it('runs one rebuild at a time across the projectors, hands a dead projector\'s rebuild to the other, and reads never fail', async () => {
    // Held at its switch by this open transaction on a live checkpoint, the rebuild stays under
    // way until the test lets it go, whatever the speed of the machine.
    await db.query(`INSERT INTO projector_offsets (consumer_group, topic, partition, next_offset) VALUES ($1, $2, 0, 0) ON CONFLICT DO NOTHING`, [group, topics.events]);
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM projector_offsets WHERE consumer_group = $1 AND topic = $2 AND partition = 0 FOR UPDATE`, [group, topics.events]);

    let sampling = true;
    const most = { jobs: 0, locks: 0 };
    const sampler = (async () => {
      while (sampling) {
        const [{ jobs, locks }]: { jobs: number; locks: number }[] = await db.query(
          `SELECT (SELECT count(*)::int FROM audit_jobs WHERE kind = 'rebuild' AND status = 'running' AND worker IS NOT NULL) AS jobs,
                  (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 7340114
                     AND objid = (hashtext($1)::bigint & 4294967295)::oid) AS locks`,
          [schema],
        );
        most.jobs = Math.max(most.jobs, jobs);
        most.locks = Math.max(most.locks, locks);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const load = readers(queries.map((q) => q.url), ids);
    const auditor = queries.map((q) => client(q.url));
    let follower: PromiseWithChild<{ stdout: string; stderr: string }> | undefined;
    try {
      const asked = await Promise.all(auditor.map((a) => a('POST', '/v1/admin/rebuild')));
      const started = asked.find((r) => r.status === 202)!;
      const refused = asked.find((r) => r.status !== 202)!;
      expect(started.body).toMatchObject({ kind: 'rebuild', status: 'running', progressUrl: `/v1/admin/rebuild/${started.body.id}` });
      expect(started.headers.get('location')).toBe(`/v1/admin/rebuild/${started.body.id}`);
      expect(refused).toMatchObject({ status: 409, body: { error: 'rebuild_running', details: [{ rebuildId: started.body.id }] } });
      const job = `/v1/admin/rebuild/${started.body.id}`;
      // The CLI follows the same job, line by line (stderr is no terminal here), and prints its report when it ends.
      follower = runFile(process.execPath, [path.join(DIST, 'cli', 'src', 'main.js'), 'rebuild', '--follow', started.body.id, '--json'], { env: process.env });
      const followerErr: string[] = [];
      follower.child.stderr?.on('data', (c: Buffer) => followerErr.push(c.toString()));

      const first = await eventually('a projector building the rebuild', async () => {
        const r = await auditor[1]('GET', job);
        return r.body.worker && r.body.phase === 'building' ? r.body : undefined;
      }, 60_000);
      await eventually('the CLI following the rebuild', async () => (followerErr.join('').includes('rebuild building') ? true : undefined), 60_000);
      const pidOf = (worker: string) => Number(worker.split(':')[1]);
      const running = projectors.find((p) => p.child.pid === pidOf(first.worker))!;
      const other = projectors.find((p) => p !== running)!;
      expect(running).toBeDefined();
      running.child.kill('SIGKILL');
      await once(running.child, 'exit');

      const taken = await eventually('the other projector taking the rebuild over', async () => {
        const r = await auditor[0]('GET', job);
        return r.body.worker && pidOf(r.body.worker) === other.child.pid && r.body.phase === 'building' ? r.body : undefined;
      }, 60_000);
      expect(taken).toMatchObject({ status: 'running', attempts: 2 });
      expect((await auditor[1]('POST', '/v1/admin/rebuild')).body).toMatchObject({ error: 'rebuild_running', details: [{ rebuildId: started.body.id }] });
      await holder.commitTransaction();

      const done = await eventually('the rebuild done', async () => {
        const r = await auditor[0]('GET', job);
        if (r.body.status === 'failed') throw new Error(r.body.error);
        return r.body.status === 'done' ? r.body : undefined;
      }, 120_000);
      expect(done).toMatchObject({ phase: 'done', progress: { percent: 100 }, report: { id: started.body.id, differences: { views: 0, events: 0, links: 0 } } });
      const followed = await follower;
      expect(JSON.parse(followed.stdout)).toEqual(done.report);
      expect(followed.stderr).toMatch(new RegExp(`following rebuild ${started.body.id}\n(.*\n)*rebuild building.*\n(.*\n)*rebuild done`));
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction().catch(() => undefined);
      await holder.release();
      // A follower of a job that never ended would wait for good: the test has failed by then.
      if (follower && follower.child.exitCode === null) follower.child.kill();
      await follower?.catch(() => undefined);
      sampling = false;
      await sampler;
      await load.stop();
    }
    expect(most).toEqual({ jobs: 1, locks: 1 });
    expect(load.failures).toEqual([]);
    expect(load.reads).toBeGreaterThan(20);
    // The projector left standing verifies too (a job, answered when done, as v1 answered).
    const verified = await auditor[1]('POST', '/v1/admin/verify');
    expect(verified).toMatchObject({ status: 200, body: { ok: true, differenceCount: 0 } });
  });
});
