import { INestApplication } from '@nestjs/common';
import { createKafka, ensureTopics, subjectPartition } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, freshId, ownStack, startApi, testConfig } from '@newsledger/testing';
import { Admin, Kafka, Producer } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { runCli } from '../apps/cli/src/cli-run.fixture';
import { registerRebuildCommand } from '../apps/cli/src/rebuild/rebuild.command';
import { ProjectorModule } from '../apps/projector/src/projector.module';

/**
 * Views belong to one log, on one broker: the events topic loses messages not yet applied, or is
 * deleted and made again under its name (same cluster id), shorter or longer than before. Each is
 * refused with its reason; `rebuild --adopt-log` then lets the running projector go on by itself.
 */

const { schema, topics } = ownStack('topicre');
const group = process.env.PROJECTOR_GROUP_ID!;

function cloudEvent(id: string, subject: string, type: string, data: unknown) {
  return {
    key: subject,
    value: JSON.stringify({
      specversion: '1.0', id, type, subject, source: 'newsroom/topic-replaced', time: new Date().toISOString(), datacontenttype: 'application/json',
      data: { source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data },
    }),
  };
}

describe('views belong to one topic (deleted records, a topic made again under its name)', () => {
  const kafka: Kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'topic-replaced-spec' });
  let admin: Admin;
  let producer: Producer;
  let db: DataSource;
  let projector: { app: INestApplication; url: string } | undefined;

  const health = () => client(projector!.url, null)('GET', '/health');
  const refusedFor = (reason: string) =>
    eventually(`/health 503 ${reason}`, async () => {
      const h = await health();
      return h.status === 503 && h.body.details?.some((d: { dependency: string; reason?: string }) => d.dependency === 'log' && d.reason === reason) ? h : undefined;
    });
  const stop = async () => {
    await projector?.app.close();
    projector = undefined;
  };
  const start = async () => {
    projector = await startApi(ProjectorModule);
  };
  const checkpoint = async (partition: number) =>
    String(
      ((await db.query(`SELECT next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2 AND partition = $3`, [group, topics.events, partition])) as {
        next_offset: string;
      }[])[0]?.next_offset,
    );
  const indexed = async () => ((await db.query(`SELECT event_id FROM events ORDER BY partition, "offset"`)) as { event_id: string }[]).map((r) => r.event_id);
  /** Sends events of one subject (so one partition) and returns that partition. */
  const send = async (subject: string, ids: string[]) => {
    const [meta] = await producer.send({ topic: topics.events, messages: ids.map((id, i) => cloudEvent(id, subject, i === 0 ? 'exchange.proposed' : 'exchange.details.reported', i === 0 ? { parties: ['UA', 'RU'] } : { expectedDays: i })) });
    return meta.partition;
  };
  /** Deletes the events topic and makes it again, empty, under its name. */
  const remakeTopic = async () => {
    await admin.deleteTopics({ topics: [topics.events] });
    await eventually('the topic made again', async () => {
      await ensureTopics(kafka, { ...topics, eventsPartitions: 6 });
      const offsets = await admin.fetchTopicOffsets(topics.events);
      return offsets.length === 6 && offsets.every((o) => o.high === '0') ? true : undefined;
    });
  };

  beforeAll(async () => {
    await ensureTopics(kafka, { ...topics, eventsPartitions: 6 });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
    db = await openDataSource(testConfig.database.url, 2, schema);
  });
  afterAll(async () => {
    await stop();
    await producer?.disconnect();
    await admin?.disconnect();
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('refuses removed and replaced logs with their reason, then goes on by itself from an adopted one', async () => {
    const subject = `exchange/${freshId('topic')}`;
    const first = Array.from({ length: 5 }, (_, i) => `${subject.slice(9)}-old-${i}`);
    await start();
    const partition = await send(subject, first);
    await eventually('five events applied', async () => ((await checkpoint(partition)) === '5' ? true : undefined));
    expect((await health()).status).toBe(200);

    // Events removed before they were applied: offsets 5 and 6 deleted while the projector was down.
    await stop();
    await send(subject, [`${subject.slice(9)}-old-5`, `${subject.slice(9)}-old-6`, `${subject.slice(9)}-old-7`]);
    // kafkajs finds the partition leaders only in metadata it has already loaded.
    await admin.fetchTopicMetadata({ topics: [topics.events] });
    await admin.deleteTopicRecords({ topic: topics.events, partitions: [{ partition, offset: '7' }] });
    await start();
    expect((await refusedFor('events_removed')).body.message).toContain('offsets 5 to 6 were removed');

    // The topic made again, shorter than the checkpoint: the incident's "already applied" skip.
    await stop();
    await remakeTopic();
    await send(subject, ['short-0', 'short-1']);
    await start();
    expect((await refusedFor('checkpoint_beyond_end')).body.message).toContain('applied up to offset 5 but the log ends at 2');

    // Made again, longer: only the anchor (the event applied at an offset) tells it apart.
    await stop();
    await remakeTopic();
    const replacing = Array.from({ length: 9 }, (_, i) => `${subject.slice(9)}-new-${i}`);
    await send(subject, replacing);
    await start();
    expect((await refusedFor('log_replaced')).body.message).toContain('the topic was replaced');
    await sleep(4000);
    expect(await checkpoint(partition)).toBe('5');
    expect(await indexed()).toEqual(first);

    // Adopted while the projector runs: it notices, and goes on from the adopted log's end.
    const adopted = await runCli(registerRebuildCommand, ['rebuild', '--adopt-log']);
    expect(adopted).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await indexed()).toEqual(replacing);
    await eventually('/health 200 after adopting', async () => ((await health()).status === 200 ? true : undefined));
    await send(subject, [`${subject.slice(9)}-new-9`]);
    await eventually('the next event applied', async () => ((await checkpoint(partition)) === '10' ? true : undefined));
    expect((await indexed()).length).toBe(10);
  });

  it('refuses a topic made again under a running projector and refilled past its checkpoints, instead of skipping its first events', async () => {
    const subject = `exchange/${freshId('live')}`;
    if (!projector) await start();
    const partition = await send(subject, ['live-a-0', 'live-a-1', 'live-a-2']);
    await eventually('three events applied', async () => ((await indexed()).includes('live-a-2') ? true : undefined));
    const stored = (await db.query(`SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`, [group, topics.events])) as {
      partition: number;
      next_offset: string;
    }[];
    expect(stored.map((r) => r.partition)).toContain(partition);
    // Replaced and refilled at once, while the projector runs, every partition past its checkpoint:
    // the consumer goes on at its stored offsets in the new log, the watermarks look right, and
    // only the anchors show that the offsets below are other events.
    await remakeTopic();
    const refill: string[] = [];
    for (const { partition: p, next_offset: next } of stored) {
      let other = '';
      do other = `exchange/${freshId('refill')}`;
      while (subjectPartition(other, 6) !== p);
      const ids = Array.from({ length: Number(next) + 3 }, (_, i) => `${other.slice(9)}-${i}`);
      await send(other, ids);
      refill.push(...ids);
    }
    const refused = await eventually('/health 503 log_replaced', async () => {
      const h = await health();
      return h.status === 503 && h.body.details?.some((d: { reason?: string }) => d.reason === 'log_replaced') ? h : undefined;
    }, 40_000);
    expect(refused.body.message).toContain('the topic was replaced');
    // Adopting derives the views from the new log, the events the consumer went past included.
    const adopted = await runCli(registerRebuildCommand, ['rebuild', '--adopt-log']);
    expect(adopted).toMatchObject({ exitCode: 0, stderr: '' });
    expect((await indexed()).sort()).toEqual([...refill].sort());
  });
});
