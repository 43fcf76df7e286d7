import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { DeskPublisher } from '@newsledger/client';
import { KafkaSasl } from '@newsledger/config';
import { createKafka } from '@newsledger/event-log';
import { client, eventually, freshId, startApi, startContext, testConfig } from '@newsledger/testing';
import { Kafka } from 'kafkajs';
import { InboundReportsAdmission } from '../apps/ingest-api/src/admit-inbound-reports/inbound-reports.admission';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

// The ingest API reads new desks' topics within a third of a second, and names a desk stalled after a second.
process.env.INBOUND_REFRESH_MS = '300';
process.env.INBOUND_STALL_AFTER_MS = '1000';

interface DeskKey {
  id: string;
  name: string;
  key: string;
  kafka: { mechanism: 'scram-sha-512'; username: string; password: string; brokers: string[]; topic: string; rejectionsTopic: string; groupPrefix: string };
}

interface Rejection {
  error: string;
  message: string;
  details?: { path: string; message: string }[];
  desk: string;
  eventId?: string;
  original: { topic: string; partition: number; offset: string; key: string | null; value: string | null };
}

const swap = (subject: string, extra: Record<string, unknown> = {}): Record<string, unknown> & { subject: string; id?: string } => ({
  type: 'exchange.agreed', subject, source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { parties: ['UA', 'RU'] }, ...extra,
});

/**
 * Desks publishing on Kafka, each to its own inbound topic with a Kafka user of its own, admitted
 * by the ingest API as HTTP reports are: tried against the real broker's SASL/SCRAM and ACLs, with
 * the apps in-process (the query API makes the users with the local Kafka admin's login).
 */
describe('desks on Kafka (real broker with SASL/SCRAM and ACLs, PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  const closers: (() => Promise<unknown>)[] = [];

  const loginOf = (desk: DeskKey): KafkaSasl => ({ mechanism: 'scram-sha-512', username: desk.kafka.username, password: desk.kafka.password });
  const kafkaAs = (sasl: KafkaSasl | undefined, name: string) =>
    createKafka({ brokers: testConfig.kafka.brokers, sasl, clientId: `desks-${name}`, retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 } });

  const makeDesk = async (extra: Record<string, unknown> = {}): Promise<DeskKey> => {
    const made = await client(query.url)('POST', '/v1/admin/keys', { name: freshId('desk'), scopes: ['ingest'], kafka: true, ...extra });
    expect(made.status).toBe(201);
    return made.body as DeskKey;
  };

  /** Sends raw values as `kafka` to `topic`; resolves with the broker's refusal, or undefined once they are acknowledged. */
  const sendAs = async (kafka: Kafka, topic: string, messages: { key: string | null; value: string }[]): Promise<Error | undefined> => {
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages });
      return undefined;
    } catch (e) {
      return e as Error;
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };

  /** Sends as the desk, once its new SCRAM user is known to the broker (users are applied moments after they are made). */
  const sendAsDesk = (desk: DeskKey, messages: { key: string | null; value: string }[]) =>
    eventually(`${desk.name} to publish`, async () => ((await sendAs(kafkaAs(loginOf(desk), desk.name), desk.kafka.topic, messages)) ? undefined : true), 30_000);

  /** Reads `count` rejections off `topic`, as `sasl`, in a new group named `group`. */
  const readRejections = async (sasl: KafkaSasl | undefined, topic: string, group: string, count: number): Promise<Rejection[]> => {
    const consumer = kafkaAs(sasl, group).consumer({ groupId: group, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    closers.push(() => consumer.disconnect());
    const got: Rejection[] = [];
    let refused: Error | undefined;
    consumer.on(consumer.events.CRASH, (e) => (refused = e.payload.error));
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    void consumer.run({ eachMessage: async ({ message }) => void got.push(JSON.parse(message.value!.toString()) as Rejection) }).catch((e: Error) => (refused = e));
    const done = await eventually(`${count} rejections on ${topic}`, async () => (refused ? { refused } : got.length >= count ? { got } : undefined), 60_000);
    if (done.refused) throw done.refused;
    return done.got!;
  };

  const history = (subject: string) =>
    eventually(`the history of ${subject}`, async () => {
      const [kind, id] = subject.split('/');
      const h = await client(query.url)('GET', `/v1/${kind}s/${id}/history`);
      return h.status === 200 && h.body.events.length > 0 ? (h.body.events as { eventId: string; ingestor: string; recordedAt: string }[]) : undefined;
    }, 60_000);

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
  });
  afterAll(async () => {
    await Promise.all(closers.map((close) => close().catch(() => undefined)));
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  it("records a desk's report as written by the desk, at the server's time, whatever its source and time say", async () => {
    const started = Date.now();
    const desk = await makeDesk();
    expect(desk.kafka).toMatchObject({ username: `desk.${desk.name}`, topic: `${testConfig.kafka.inbound.prefix}${desk.name}`, rejectionsTopic: `${testConfig.kafka.inbound.prefix}rejections.${desk.name}` });
    const prefix = freshId('kafka-swap');
    // A CloudEvent naming another ingestor and a time long past, and a plain report without an id.
    const spoofed = { specversion: '1.0', id: `${prefix}-1`, type: 'exchange.agreed', subject: `exchange/${prefix}`, source: 'newsroom/admin', time: '2020-01-01T00:00:00Z',
      datacontenttype: 'application/json', data: { source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { parties: ['UA', 'RU'] } } };
    const plain = { type: 'exchange.underway', subject: `exchange/${prefix}`, source: { name: 'Ukrainian military sources', kind: 'military' }, confirmation: 'confirmed', data: {} };
    await sendAsDesk(desk, [{ key: spoofed.subject, value: JSON.stringify(spoofed) }, { key: plain.subject, value: JSON.stringify(plain) }]);

    const events = await eventually('both reports', async () => {
      const all = await history(`exchange/${prefix}`);
      return all.length === 2 ? all : undefined;
    }, 60_000);
    expect(events.map((e) => e.ingestor)).toEqual([desk.name, desk.name]);
    for (const e of events) expect(Date.parse(e.recordedAt)).toBeGreaterThanOrEqual(started - 1000);
    expect(events[0].eventId).toBe(`${prefix}-1`);
    // Given an id made of its key and place, so the same message read twice is recorded once.
    expect(events[1].eventId).toMatch(new RegExp(`^kafka\\.${desk.id}\\.\\d+\\.\\d+$`));
    const view = await client(query.url)('GET', `/v1/exchanges/${prefix}`);
    expect(view.body).toMatchObject({ status: 'underway', eventCount: 2 });
  });

  it('publishes with the typed client\'s desk producer', async () => {
    const desk = await makeDesk();
    const subject = `exchange/${freshId('client-swap')}` as const;
    const publisher = await eventually('the desk to log in', () => DeskPublisher.connect(Kafka, desk.kafka).catch(() => undefined), 30_000);
    closers.push(() => publisher.disconnect());
    const [id] = await publisher.publish([{ type: 'exchange.agreed', subject, source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { parties: ['UA', 'RU'] } }]);
    const events = await history(subject);
    expect(events).toEqual([expect.objectContaining({ eventId: id, ingestor: desk.name })]);
  });

  it("refuses on Kafka what HTTP refuses, on the desk's own rejections topic, and appends none of it", async () => {
    const desk = await makeDesk({ subjectKinds: ['exchange'] });
    const prefix = freshId('refused');
    const talks = { id: `${prefix}-talks`, type: 'negotiation.round.announced', subject: `negotiation/${prefix}`, source: { name: 'wire', kind: 'agency' }, confirmation: 'reported', data: { round: 1 } };
    const invalid = swap(`exchange/${prefix}`, { id: `${prefix}-bad`, confirmation: 'certain' });
    const first = swap(`exchange/${prefix}`, { id: `${prefix}-1` });
    const conflicting = swap(`exchange/${prefix}`, { id: `${prefix}-1`, confirmation: 'reported' });
    await sendAsDesk(desk, [
      { key: talks.subject, value: JSON.stringify(talks) },
      { key: invalid.subject, value: JSON.stringify(invalid) },
      { key: 'exchange/x', value: '{"type": "exchange.agreed",' },
      { key: first.subject, value: JSON.stringify(first) },
      { key: first.subject, value: JSON.stringify(first) },
      { key: conflicting.subject, value: JSON.stringify(conflicting) },
    ]);
    const rejections = await readRejections(loginOf(desk), desk.kafka.rejectionsTopic, `${desk.kafka.groupPrefix}${freshId('read')}`, 4);
    const byId = (id: string | undefined) => rejections.find((r) => r.eventId === id);
    expect(rejections.map((r) => r.desk)).toEqual([desk.name, desk.name, desk.name, desk.name]);
    expect(rejections.every((r) => r.original.topic === desk.kafka.topic)).toBe(true);
    expect(byId(talks.id)).toMatchObject({ error: 'forbidden_subject_kind', details: [{ path: 'subject' }] });
    expect(byId(invalid.id)).toMatchObject({ error: 'invalid_report', details: [expect.objectContaining({ path: 'confirmation' })] });
    expect(rejections.find((r) => r.eventId === undefined)).toMatchObject({ error: 'invalid_report', message: expect.stringContaining('not JSON'), original: { value: '{"type": "exchange.agreed",' } });
    // The same id sent again alike is a duplicate, not refused; with other content it is a conflict.
    expect(rejections.filter((r) => r.eventId === first.id)).toEqual([expect.objectContaining({ error: 'id_conflict' })]);

    // Word for word what HTTP answers the same report with the same key.
    const http = await client(ingest.url, desk.key)('POST', '/v1/reports', talks);
    expect(http.status).toBe(403);
    expect(byId(talks.id)).toMatchObject({ error: http.body.error, message: http.body.message, details: http.body.details });

    const events = await history(`exchange/${prefix}`);
    expect(events.map((e) => e.eventId)).toEqual([first.id]);
    expect((await client(query.url)('GET', `/v1/negotiations/${prefix}`)).status).toBe(404);
  });

  it("lets a desk write only its own inbound topic, and read only its own rejections; nobody without a login", async () => {
    const [a, b] = await Promise.all([makeDesk(), makeDesk()]);
    const asA = kafkaAs(loginOf(a), a.name);
    const message = [{ key: 'exchange/x', value: JSON.stringify(swap('exchange/x')) }];
    await sendAsDesk(a, message);
    expect(String(await sendAs(asA, b.kafka.topic, message))).toMatch(/authoriz/i);
    expect(String(await sendAs(asA, testConfig.kafka.topics.events, message))).toMatch(/authoriz/i);
    expect(String(await sendAs(asA, a.kafka.rejectionsTopic, message))).toMatch(/authoriz/i);
    expect(String(await sendAs(kafkaAs(undefined, 'anonymous'), a.kafka.topic, message))).toMatch(/authoriz|SASL|connection|closed/i);
    // B's rejections, in a group A may use: refused by name.
    await expect(readRejections(loginOf(a), b.kafka.rejectionsTopic, `${a.kafka.groupPrefix}${freshId('peek')}`, 1)).rejects.toThrow(/authoriz|timed out/i);
  });

  it('refuses a key on Kafka without the ingest scope, named like a rejections topic, or named like an active one', async () => {
    const keys = client(query.url);
    const noIngest = await keys('POST', '/v1/admin/keys', { name: freshId('reader'), scopes: ['read'], kafka: true });
    expect(noIngest.status).toBe(400);
    expect(noIngest.body).toMatchObject({ error: 'kafka_desk_refused', message: expect.stringContaining('"ingest" scope') });
    const rejectionsName = await keys('POST', '/v1/admin/keys', { name: 'rejections.kyiv', scopes: ['ingest'], kafka: true });
    expect(rejectionsName.body).toMatchObject({ error: 'kafka_desk_refused' });
    const desk = await makeDesk();
    const twice = await keys('POST', '/v1/admin/keys', { name: desk.name, scopes: ['ingest'], kafka: true });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: 'kafka_desk_exists' });
    // Nothing kept of the refused ones.
    const listed = (await keys('GET', '/v1/admin/keys')).body.keys as { name: string }[];
    expect(listed.filter((k) => k.name === desk.name)).toHaveLength(1);
  });

  it('revokes the Kafka login and rights with the key: new connections are refused, and so is what an open one sends', async () => {
    const desk = await makeDesk();
    const subject = `exchange/${freshId('revoked')}`;
    await sendAsDesk(desk, [{ key: subject, value: JSON.stringify(swap(subject, { id: `${subject.split('/')[1]}-1` })) }]);
    await history(subject);
    const open = kafkaAs(loginOf(desk), `${desk.name}-open`).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await open.connect();
    closers.push(() => open.disconnect());

    const revoked = await client(query.url)('DELETE', `/v1/admin/keys/${desk.id}`);
    expect(revoked.body).toEqual({ id: desk.id, revoked: true, kafkaUser: desk.kafka.username });
    const refused = await eventually('a new login to be refused', async () => {
      const e = await sendAs(kafkaAs(loginOf(desk), `${desk.name}-after`), desk.kafka.topic, [{ key: subject, value: '{}' }]);
      return e ? String(e) : undefined;
    }, 30_000);
    expect(refused).toMatch(/SASL|authenticat|authoriz/i);

    // A connection opened before outlives its login, but not its ACLs: what it sends is refused.
    const late = swap(subject, { id: `${subject.split('/')[1]}-late`, type: 'exchange.underway', data: {} });
    const lateRefusal = await eventually('the open connection to be refused', async () => {
      const sent = await open.send({ topic: desk.kafka.topic, acks: -1, messages: [{ key: subject, value: JSON.stringify(late) }] }).then(() => undefined, (e: Error) => e);
      return sent ? String(sent) : undefined;
    }, 30_000);
    expect(lateRefusal).toMatch(/authoriz/i);
    expect((await history(subject)).map((e) => e.eventId)).toEqual([`${subject.split('/')[1]}-1`]);
  });
  it("shows what a desk's topic waits for on /health and in metrics, and names the desk stalled while the admission does not move", async () => {
    const desk = await makeDesk();
    const subject = `exchange/${freshId('lag-swap')}`;
    const admission = () => client(ingest.url)('GET', '/health').then((h) => {
      expect(h.status).toBe(200);
      return h.body.info.admission as { status: string; waiting: { desk: string; lag: number }[]; stalled: { desk: string; lag: number; lastError: string | null }[]; message?: string };
    });
    await sendAsDesk(desk, [{ key: subject, value: JSON.stringify(swap(subject)) }]);
    await history(subject);
    await eventually('the desk sampled with nothing waiting', async () => {
      const metrics = await client(ingest.url)('GET', '/metrics');
      return String(metrics.body).includes(`newsledger_admission_lag{desk="${desk.name}"} 0`) ? true : undefined;
    });
    expect((await admission()).waiting.map((w) => w.desk)).not.toContain(desk.name);

    // The admission stops (as a consumer that keeps failing would): what the desk sends now waits, and the desk is named.
    const admitting = ingest.app.get(InboundReportsAdmission);
    await admitting.onApplicationShutdown();
    try {
      const later = `exchange/${freshId('lag-swap')}`;
      await sendAsDesk(desk, [{ key: later, value: JSON.stringify(swap(later)) }, { key: later, value: JSON.stringify(swap(later, { type: 'exchange.underway', data: {} })) }]);
      const stalled = await eventually('the desk named stalled', async () => {
        const a = await admission();
        return a.stalled.some((s) => s.desk === desk.name) ? a : undefined;
      });
      expect(stalled.status).toBe('up');
      expect(stalled.waiting).toContainEqual({ desk: desk.name, lag: 2 });
      expect(stalled.stalled).toContainEqual(expect.objectContaining({ desk: desk.name, lag: 2 }));
      expect(stalled.message).toMatch(new RegExp(`admission is stalled on desk ${desk.name} \\(lag 2, no progress for \\d+ s\\).*HTTP ingest is not affected`));
    } finally {
      admitting.onApplicationBootstrap();
    }
    // Admitting again: the desk's reports are recorded and nothing waits.
    await eventually('nothing waiting once admitted', async () => {
      const a = await admission();
      return a.waiting.some((w) => w.desk === desk.name) || a.stalled.some((s) => s.desk === desk.name) ? undefined : true;
    }, 60_000);
  });
});
