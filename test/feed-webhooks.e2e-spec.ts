import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { client, eventually, freshId, startApi, startContext } from '@newsledger/testing';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '@newsledger/webhooks';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  change: { id: string; subject: string; field: string; from: string | null; to: string | null };
}

/** A webhook receiver on loopback that answers `status()` to every request and records the 2xx ones. */
class Receiver {
  readonly received: Received[] = [];
  requests = 0;
  private server: Server | undefined;

  constructor(private readonly status: (n: number) => number = () => 204) {}

  async listen(port = 0): Promise<number> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
        const status = this.status(++this.requests);
        if (status < 300) this.received.push({ headers: req.headers, body, change: JSON.parse(body) as Received['change'] });
        res.writeHead(status).end();
      });
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
    this.server = undefined;
  }
}

function report(id: string, subject: string, type: string) {
  return { id, type, subject, source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data: {} };
}

// The run allows loopback targets (scripts/test.js); refusing them, the default, is unit-tested in
// webhook-target.spec.ts.
describe('status-change webhooks (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  const receivers: Receiver[] = [];
  const admin = () => client(query.url);

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  function receiver(status?: (n: number) => number): Receiver {
    const r = new Receiver(status);
    receivers.push(r);
    return r;
  }

  async function post(reports: unknown[]): Promise<void> {
    const r = await client(ingest.url)('POST', '/v1/reports/batch', reports);
    expect([r.status, r.body.accepted]).toEqual([200, reports.length]);
  }

  it('a receiver that is down for a while receives every change afterwards, in per-subject order, with valid signatures', async () => {
    const run = freshId('hook');
    const subjects = Array.from({ length: 5 }, (_, i) => `exchange/${run}-${i}`);
    const secret = `secret-${run}-0123456789`;
    // Down: nothing listens on the port at first; once up, it answers 503 five times more.
    const hooks = receiver((n) => (n <= 5 ? 503 : 200));
    const port = await hooks.listen();
    await hooks.close();
    const created = await admin()('POST', '/v1/subscriptions', { url: `http://127.0.0.1:${port}/hooks/newsledger`, secret, filter: { subject: subjects } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: `http://127.0.0.1:${port}/hooks/newsledger`, filter: { subject: subjects }, status: 'active' });
    expect(created.body.secret).toBeUndefined();
    const id: string = created.body.id;

    for (let round = 0; round < 6; round++) {
      await post(subjects.map((s, i) => report(`${run}-ev-${round}-${i}`, s, round % 2 === 0 ? 'exchange.underway' : 'exchange.suspended')));
    }
    const expectedCount = 6 * subjects.length * 2;
    await eventually('failed attempts in the delivery log', async () => {
      const log = await admin()('GET', `/v1/subscriptions/${id}/deliveries`);
      return log.body.deliveries?.some((d: { attempts: number; lastError: string | null }) => d.attempts >= 2 && d.lastError) ? true : undefined;
    });
    await hooks.listen(port);

    await eventually('every change delivered', async () => (new Set(hooks.received.map((r) => r.change.id)).size >= expectedCount ? true : undefined), 120_000);
    const log = await admin()('GET', `/v1/subscriptions/${id}/deliveries?limit=500`);
    expect(log.body.deliveries).toHaveLength(expectedCount);
    expect(log.body.deliveries.every((d: { state: string }) => d.state === 'delivered')).toBe(true);
    expect(log.body.deliveries.some((d: { attempts: number }) => d.attempts > 1)).toBe(true);

    const now = Math.floor(Date.now() / 1000);
    for (const r of hooks.received) {
      expect(verifyWebhookSignature(secret, r.body, String(r.headers['newsledger-signature']), now, 600)).toBe(true);
      expect(r.headers['newsledger-change-id']).toBe(r.change.id);
      expect(Object.keys(JSON.parse(r.body))).toEqual(['id', 'subject', 'field', 'from', 'to', 'causedBy', 'recordedAt', 'cause', 'level', 'reason']);
      expect(JSON.parse(r.body).reason).toMatch(/^(Status|Reported status) (set to|moved from) .*: wire reported that the exchange was (under way|suspended) \(confirmed\)\.$/);
    }
    // Per subject and field, each change starts where the one before ended: nothing skipped or
    // reordered (an at-least-once repeat would sit right after its first copy).
    for (const subject of subjects) {
      for (const field of ['status', 'reportedStatus']) {
        const chain = hooks.received.filter((r) => r.change.subject === subject && r.change.field === field).map((r) => r.change)
          .filter((c, i, all) => i === 0 || all[i - 1].id !== c.id);
        expect(chain.map((c) => c.to)).toEqual(['underway', 'suspended', 'underway', 'suspended', 'underway', 'suspended']);
        chain.slice(1).forEach((c, i) => expect(c.from).toBe(chain[i].to));
      }
    }
  });

  it('disables a subscription whose deliveries keep failing past the retry period, with the reason', async () => {
    const run = freshId('failing');
    const subject = `exchange/${run}`;
    const broken = receiver(() => 500);
    const port = await broken.listen();
    const created = await admin()('POST', '/v1/subscriptions', { url: `http://127.0.0.1:${port}/`, secret: `secret-${run}-0123456789`, filter: { subject, field: 'status' } });
    await post([report(`${run}-1`, subject, 'exchange.underway')]);
    const disabled = await eventually('the subscription disabled', async () => {
      const s = await admin()('GET', `/v1/subscriptions/${created.body.id}`);
      return s.body.status === 'disabled' ? s.body : undefined;
    }, 60_000);
    expect(disabled.disabledReason).toMatch(new RegExp(`delivery of change ${run}-1:status failed for \\d+ s \\(\\d+ attempts\\); last error: answered 500`));
    const log = await admin()('GET', `/v1/subscriptions/${created.body.id}/deliveries`);
    expect(log.body.deliveries).toEqual([expect.objectContaining({ changeId: `${run}-1:status`, state: 'failed', lastStatus: 500 })]);
    expect(broken.requests).toBeGreaterThan(2);
  });

  it('keeps each key to its own subscriptions, lets admin see all, and refuses bad input', async () => {
    const keyOf = async (name: string) => (await admin()('POST', '/v1/admin/keys', { name, scopes: ['read'] })).body.key as string;
    const [alice, bob] = [client(query.url, await keyOf('alice-desk')), client(query.url, await keyOf('bob-desk'))];
    const mine = await alice('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/', secret: 'alice-secret-0123456789', filter: { kind: 'negotiation' } });
    expect(mine.status).toBe(201);
    expect((await bob('GET', '/v1/subscriptions')).body.subscriptions.map((s: { id: string }) => s.id)).not.toContain(mine.body.id);
    expect((await bob('GET', `/v1/subscriptions/${mine.body.id}/deliveries`)).status).toBe(404);
    expect((await bob('DELETE', `/v1/subscriptions/${mine.body.id}`)).status).toBe(404);
    expect((await admin()('GET', '/v1/subscriptions')).body.subscriptions.map((s: { id: string }) => s.id)).toContain(mine.body.id);

    for (const body of [
      { url: 'http://127.0.0.1:9/', secret: 'short' },
      { url: 'ftp://example.org/', secret: 'long-enough-secret-0123' },
      { url: 'http://127.0.0.1:9/', secret: 'long-enough-secret-0123', filter: { kind: 'treaty' } },
      { url: 'http://127.0.0.1:9/', secret: 'long-enough-secret-0123', extra: true },
    ]) {
      const r = await alice('POST', '/v1/subscriptions', body);
      expect([r.status, r.body.error]).toEqual([400, 'invalid_subscription']);
    }
    expect(await alice('DELETE', `/v1/subscriptions/${mine.body.id}`)).toMatchObject({ status: 200, body: { id: mine.body.id, deleted: true } });
    expect((await alice('GET', `/v1/subscriptions/${mine.body.id}`)).status).toBe(404);
    expect((await alice('DELETE', `/v1/subscriptions/${mine.body.id}`)).status).toBe(404);
  });
});
