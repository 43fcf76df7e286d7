import { KafkaSasl } from '@newsledger/config';
import { appGrants, createKafka, ensureTopics, grantAccess } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, freshId, localKafkaUsers, openFeed, ownTopics, testConfig } from '@newsledger/testing';
import { Kafka } from 'kafkajs';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { freePort } from '../bench/support/bench.stack';

/**
 * The broker lets no one in without a login, and each app's own user only do what that app needs
 * (the grants of `newsledger kafka-access`): tried with kafkajs as an outsider would, and with the
 * compiled apps each logged in as its own user.
 */
describe('Kafka logins and ACLs (real broker, compiled apps)', () => {
  const brokers = testConfig.kafka.brokers;
  const local = localKafkaUsers();
  const login = (username: string, password = local.users[username]): KafkaSasl => ({ mechanism: 'scram-sha-512', username, password });
  const principals = { ingest: 'newsledger-ingest', projector: 'newsledger-projector', query: 'newsledger-query', cli: 'newsledger-cli' };
  const clientOf = (sasl: KafkaSasl | undefined, name: string): Kafka =>
    createKafka({ brokers, sasl, clientId: `access-${name}`, retry: { retries: 0, initialRetryTime: 100, maxRetryTime: 200 } });
  const admin = clientOf(testConfig.kafka.sasl, 'admin');
  const run = freshId('access');
  const topics = ownTopics(run);
  // Named after the test run, like its topics, so the run's clean-up removes the ACLs on it too.
  const group = `${process.env.TEST_RUN_ID ?? 'tlocal'}.${run}-projector`;

  /** Sends one message as `kafka`; resolves with the error the broker answered, or undefined. */
  const produceAs = async (kafka: Kafka, topic: string): Promise<Error | undefined> => {
    const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'exchange/x', value: '{}' }] });
      return undefined;
    } catch (e) {
      return e as Error;
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };
  /** Joins `groupId` on `topic` as `kafka` and reads; resolves with the error, or undefined once it gets a message. */
  const consumeAs = async (kafka: Kafka, topic: string, groupId: string): Promise<Error | undefined> => {
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200, retry: { retries: 0 } });
    try {
      const crashed = new Promise<Error>((resolve) => consumer.on(consumer.events.CRASH, (e) => resolve(e.payload.error)));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got = new Promise<undefined>((resolve) => void consumer.run({ eachMessage: async () => resolve(undefined) }).catch(() => undefined));
      return await Promise.race([got, crashed]);
    } catch (e) {
      return e as Error;
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  };

  beforeAll(async () => {
    await ensureTopics(admin, { ...topics, eventsPartitions: 2 });
    await grantAccess(admin, appGrants({ topics, projectorGroupId: group, inbound: { prefix: `${group}.inbound.`, groupId: `${group}.admission` }, principals }));
    // Something to read, so a refused read is refused, not merely empty.
    expect(await produceAs(admin, topics.events)).toBeUndefined();
    expect(await produceAs(admin, topics.statusChanges)).toBeUndefined();
  });

  it('refuses a client that does not log in, to produce, to consume and to list topics', async () => {
    const anonymous = clientOf(undefined, 'anonymous');
    expect(await produceAs(anonymous, topics.events)).toBeInstanceOf(Error);
    expect(await consumeAs(anonymous, topics.events, `${run}-anonymous`)).toBeInstanceOf(Error);
    const a = anonymous.admin();
    await expect(a.connect().then(() => a.listTopics())).rejects.toThrow();
    await a.disconnect().catch(() => undefined);
  });

  it('refuses a wrong password, and a user it does not know', async () => {
    expect(String(await produceAs(clientOf(login(principals.ingest, 'not-the-password'), 'wrong'), topics.events))).toMatch(/SASL|[Aa]uthentication/);
    expect(String(await produceAs(clientOf(login('newsroom-admin', 'guess'), 'unknown'), topics.events))).toMatch(/SASL|[Aa]uthentication/);
  });

  it('lets each app write only where it must', async () => {
    const ingest = clientOf(login(principals.ingest), 'ingest');
    const projector = clientOf(login(principals.projector), 'projector');
    const query = clientOf(login(principals.query), 'query');
    expect(await produceAs(ingest, topics.events)).toBeUndefined();
    expect(String(await produceAs(ingest, topics.statusChanges))).toMatch(/authoriz/i);
    expect(String(await produceAs(ingest, topics.dlq))).toMatch(/authoriz/i);
    expect(String(await produceAs(projector, topics.events))).toMatch(/authoriz/i);
    expect(await produceAs(projector, topics.statusChanges)).toBeUndefined();
    expect(String(await produceAs(query, topics.events))).toMatch(/authoriz/i);
    expect(String(await produceAs(clientOf(login(principals.cli), 'cli'), topics.events))).toMatch(/authoriz/i);
  });

  it('lets each app read only what it must, in its own groups', async () => {
    const ingest = clientOf(login(principals.ingest), 'ingest');
    const projector = clientOf(login(principals.projector), 'projector');
    const query = clientOf(login(principals.query), 'query');
    // kafkajs reports a group the broker will not let a user use as a coordinator it cannot find;
    // the same group and topic work for the user allowed them, just before.
    const refusedGroup = /authoriz|group coordinator/i;
    expect(await consumeAs(projector, topics.events, group)).toBeUndefined();
    expect(String(await consumeAs(ingest, topics.events, group))).toMatch(refusedGroup);
    expect(String(await consumeAs(ingest, topics.events, `${group}.mine`))).toMatch(refusedGroup);
    // The projector's group is the projector's: another user cannot join it, nor read outside its own groups.
    expect(String(await consumeAs(query, topics.events, group))).toMatch(refusedGroup);
    expect(String(await consumeAs(query, topics.events, `${run}-elsewhere`))).toMatch(refusedGroup);
    expect(await consumeAs(query, topics.statusChanges, `${topics.statusChanges}.tail.${freshId('t')}`)).toBeUndefined();
    // In a group it may use, a topic it may not read is refused by name.
    expect(String(await consumeAs(projector, topics.statusChanges, `${group}.peek`))).toMatch(/authoriz/i);
  });

  describe('the compiled apps, each logged in as its own user', () => {
    const children: ChildProcess[] = [];
    const schema = `access_${run.replace(/-/g, '_')}`;
    const appEnv = (user: string, port: Record<string, string>): NodeJS.ProcessEnv => ({
      ...process.env,
      KAFKA_SASL_USERNAME: user,
      KAFKA_SASL_PASSWORD: local.users[user],
      EVENTS_TOPIC: topics.events,
      STATUS_CHANGES_TOPIC: topics.statusChanges,
      DLQ_TOPIC: topics.dlq,
      PROJECTOR_GROUP_ID: group,
      DATABASE_SCHEMA: schema,
      HOST: '127.0.0.1',
      ...port,
    });
    const start = async (app: string, env: NodeJS.ProcessEnv, url: string) => {
      const child = spawn(process.execPath, [path.join(__dirname, '..', 'dist', 'apps', app, 'src', 'main.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(child);
      await eventually(`${app} to answer`, async () => {
        if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}`);
        return (await fetch(`${url}/health`)).status === 200 ? true : undefined;
      }, 120_000);
    };

    afterAll(async () => {
      await Promise.all(children.map(async (c) => {
        if (c.exitCode === null && c.signalCode === null) {
          const gone = once(c, 'exit');
          c.kill('SIGTERM');
          await gone;
        }
      }));
      const db = await openDataSource(testConfig.database.url, 1);
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => db.destroy());
    });

    it('record a report, project it and feed its status change', async () => {
      const [ingestPort, queryPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
      const ingestUrl = `http://127.0.0.1:${ingestPort}`;
      const queryUrl = `http://127.0.0.1:${queryPort}`;
      // The projector first: it migrates the schema the APIs read.
      await start('projector', appEnv(principals.projector, { METRICS_PORT: String(metricsPort) }), `http://127.0.0.1:${metricsPort}`);
      await Promise.all([
        start('ingest-api', appEnv(principals.ingest, { INGEST_PORT: String(ingestPort) }), ingestUrl),
        start('query-api', appEnv(principals.query, { QUERY_PORT: String(queryPort) }), queryUrl),
      ]);
      const feed = await openFeed(queryUrl, testConfig.adminKey);
      await feed.opened;
      const id = freshId('swap');
      const posted = await client(ingestUrl)('POST', '/v1/reports', {
        id: `${id}-1`, type: 'exchange.agreed', subject: `exchange/${id}`, source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed',
        data: { parties: ['UA', 'RU'] },
      });
      expect(posted.status).toBe(202);
      const view = await eventually('the view', async () => {
        const r = await client(queryUrl)('GET', `/v1/exchanges/${id}`);
        return r.status === 200 ? r.body : undefined;
      }, 60_000);
      expect(view).toMatchObject({ status: 'agreed', eventCount: 1 });
      const change = await eventually('the status change on the feed', async () =>
        feed.events.find((e) => e.change.subject === `exchange/${id}` && e.change.field === 'status'), 60_000);
      expect(change.change).toMatchObject({ to: 'agreed', causedBy: `${id}-1` });
      feed.close();
    });
  });
});
