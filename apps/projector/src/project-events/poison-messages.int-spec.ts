import { INestApplication } from '@nestjs/common';
import { ViewsRebuild } from '@newsledger/audit';
import { loadConfig } from '@newsledger/config';
import { createKafka, LogBatch, subjectPartition } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { eventually, freshId, ownStack, startApi, testConfig } from '@newsledger/testing';
import { Consumer, Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { recordFigures } from '../../../../test/support/figures';
import { ProjectorModule } from '../projector.module';
import { EventsProjector } from './events.projector';

function cloudEvent(id: string, subject: string, type: string, data: unknown, extra: Record<string, unknown> = {}) {
  return {
    specversion: '1.0', id, type, subject, source: 'newsroom/poison-desk', time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data, ...extra },
  };
}

// Its own schema, topics and group: the test puts a constraint on its event index, and stalls its
// checkpoints, which must disturb no other suite. A stall is named after 2 s instead of 60.
const { schema, topics } = ownStack('poison', { PROJECTOR_STALL_AFTER_MS: '2000' });
const PARTITIONS = testConfig.kafka.eventsPartitions;

describe('nothing a client sends stops a partition (real Kafka and PostgreSQL)', () => {
  let projector: INestApplication;
  let url: string;
  let kafka: Kafka;
  let producer: Producer;
  let dlqReader: Consumer;
  let db: DataSource;
  const letters: { reason: string; issues: { path: string }[]; original: { key: string | null; offset: string; partition: number; value: string | null } }[] = [];

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 3, schema);
    kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'poison-int-spec' });
    producer = kafka.producer();
    await producer.connect();
    ({ app: projector, url } = await startApi(ProjectorModule));
    dlqReader = kafka.consumer({ groupId: freshId('dlq-reader') });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: topics.dlq, fromBeginning: true });
    await dlqReader.run({ eachMessage: async ({ message }) => void letters.push(JSON.parse(message.value!.toString())) });
  });
  afterAll(async () => {
    await Promise.all([projector?.close(), producer?.disconnect(), dlqReader?.disconnect()]);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  /** Sends raw values keyed by the subject onto the subject's own partition, as the default partitioner would. */
  async function publish(subject: string, values: (string | object)[], opts: { key?: string; partition?: number } = {}) {
    await producer.send({
      topic: topics.events,
      messages: values.map((v) => ({ key: opts.key ?? subject, partition: opts.partition, value: typeof v === 'string' ? v : JSON.stringify(v) })),
    });
  }

  const viewOf = async (subject: string) => (await db.query(`SELECT status, event_count FROM views WHERE subject = $1`, [subject]))[0];
  const indexed = async (subject: string) =>
    (await db.query(`SELECT event_id FROM events WHERE subject = $1 ORDER BY "offset"`, [subject])).map((r: { event_id: string }) => r.event_id);
  const lettersOf = (subject: string, n: number) =>
    eventually(`${n} dead letters of ${subject}`, async () => {
      const mine = letters.filter((l) => l.original.value?.includes(subject) || l.original.key === subject);
      return mine.length >= n ? mine : undefined;
    });

  it('dead-letters a message PostgreSQL refuses and projects the messages around it, in the same batch', async () => {
    const subject = `exchange/${freshId('refused')}`;
    // A value the validation accepts and the database refuses (SQLSTATE 23514), as a stand-in for
    // whatever the next such value is: the batch must be bisected, not retried forever.
    await db.query(`ALTER TABLE events ADD CONSTRAINT poison_note CHECK (note IS DISTINCT FROM 'refused by the database')`);
    try {
      const before = cloudEvent(freshId('e'), subject, 'exchange.agreed', { parties: ['UA', 'RU'] });
      const poison = cloudEvent(freshId('e'), subject, 'exchange.underway', {}, { note: 'refused by the database' });
      const after = cloudEvent(freshId('e'), subject, 'exchange.completed', {});
      // One fetch of 400 messages, the poison among them: found by halving, not one by one.
      const fillers = Array.from({ length: 397 }, () => cloudEvent(freshId('e'), subject, 'exchange.details.reported', { expectedDays: 3 }));
      const sentAt = Date.now();
      await publish(subject, [before, ...fillers.slice(0, 250), poison, ...fillers.slice(250), after]);
      await eventually('the reports around the poison projected', async () => ((await viewOf(subject))?.event_count === 399 ? true : undefined));
      const projectedInMs = Date.now() - sentAt;
      expect(await viewOf(subject)).toMatchObject({ status: 'completed', event_count: 399 });
      const ids = await indexed(subject);
      expect(ids).not.toContain(poison.id);
      expect([ids[0], ids[ids.length - 1], ids.length]).toEqual([before.id, after.id, 399]);
      const [letter] = await lettersOf(subject, 1);
      expect(letter.reason).toMatch(/^database_refused: .*poison_note.*\(SQLSTATE 23514\)$/);
      expect(JSON.parse(letter.original.value!).id).toBe(poison.id);
      recordFigures('poisonIsolation', { messages: 400, poison: 1, deadLettered: 1, projected: 399, projectedInMs });

      // A rebuild meets the same refusal (its tables are made LIKE the live ones, constraints
      // included): it passes the message over as the live projector did, and ends equal to it.
      const rebuild = await ViewsRebuild.begin(db, kafka, {
        id: freshId('poison-rebuild'), topic: topics.events, liveGroup: loadConfig().kafka.projectorGroupId,
        switchLag: 1000, switchTimeoutMs: 10_000, lockTimeoutMs: 2000, abortOnDifference: true,
      });
      const report = await rebuild.run();
      expect(report.messagesApplied).toBe(400);
      expect(report.differences).toMatchObject({ views: 0, events: 0, links: 0 });
      expect(await viewOf(subject)).toMatchObject({ status: 'completed', event_count: 399 });
    } finally {
      await db.query(`ALTER TABLE events DROP CONSTRAINT IF EXISTS poison_note`);
    }
  });

  it('gives the write turn back when a backlog-sized batch is refused: the backlog batch after it is applied', async () => {
    const subject = `exchange/${freshId('refused-backlog')}`;
    await db.query(`ALTER TABLE events ADD CONSTRAINT poison_backlog_note CHECK (note IS DISTINCT FROM 'refused in a backlog')`);
    // Watched, not replaced: which batches went the backlog's way, with the turns.
    const applied = jest.spyOn(projector.get(EventsProjector) as unknown as { applyTogether: (b: LogBatch[], turns?: object) => Promise<void[]> }, 'applyTogether');
    try {
      const reports = (n: number) => Array.from({ length: n }, () => cloudEvent(freshId('e'), subject, 'exchange.details.reported', { expectedDays: 3 }));
      // 1,200 messages in one fetch: a backlog's batch, which takes the turns (live traffic's do not).
      const first = reports(1_199);
      const poison = cloudEvent(freshId('e'), subject, 'exchange.underway', {}, { note: 'refused in a backlog' });
      await publish(subject, [...first.slice(0, 600), poison, ...first.slice(600)]);
      await eventually('the backlog around the poison projected', async () => ((await viewOf(subject))?.event_count === 1_199 ? true : undefined));
      // Its COPY failed in the write turn: had the turn not been given back, this batch would wait for it forever.
      await publish(subject, reports(1_100));
      await eventually('the next backlog batch projected', async () => ((await viewOf(subject))?.event_count === 2_299 ? true : undefined));
      expect((await lettersOf(subject, 1)).map((l) => JSON.parse(l.original.value!).id)).toEqual([poison.id]);
      const withTurns = applied.mock.calls.filter(([, turns]) => turns !== undefined).map(([batches]) => batches[0].messages.length);
      expect(withTurns).toEqual([1_200, 1_100]);
    } finally {
      applied.mockRestore();
      await db.query(`ALTER TABLE events DROP CONSTRAINT IF EXISTS poison_backlog_note`);
    }
  });

  it('dead-letters text PostgreSQL cannot store, sent straight to Kafka, and keeps the partition moving; a time it could not store is not read', async () => {
    const subject = `exchange/${freshId('unstorable')}`;
    const good = cloudEvent(freshId('e'), subject, 'exchange.agreed', { parties: ['UA', 'RU'] });
    // Written as JSON text: a lone surrogate escape, NUL in a name, and a year PostgreSQL has not
    // (in `time`, which recordedAt no longer comes from: the broker's append time does).
    const surrogate = JSON.stringify(cloudEvent(freshId('e'), subject, 'exchange.underway', { location: 'a' })).replace('"location":"a"', '"location":"a\\ud800b"');
    const nul = JSON.stringify(cloudEvent(freshId('e'), subject, 'exchange.underway', {}, { source: { name: 'x', kind: 'media' } })).replace('"name":"x"', '"name":"x\\u0000"');
    const yearZero = { ...cloudEvent(freshId('e'), subject, 'exchange.underway', {}), time: '0000-01-01T00:00:00.000Z' };
    const tooLate = { ...cloudEvent(freshId('e'), subject, 'exchange.underway', {}), time: '9999-12-31T23:59:59-14:00' };
    const last = cloudEvent(freshId('e'), subject, 'exchange.completed', {});
    await publish(subject, [good, surrogate, nul, yearZero, tooLate, last]);
    await eventually('the valid reports projected', async () => ((await viewOf(subject))?.event_count === 4 ? true : undefined));
    expect(await indexed(subject)).toEqual([good.id, yearZero.id, tooLate.id, last.id]);
    const mine = await lettersOf(subject, 2);
    expect(mine.map((l) => l.issues.map((i) => i.path).join()).sort()).toEqual(['data.location', 'source.name']);
    recordFigures('unstorableOnKafka', { sent: 6, projected: 4, deadLettered: mine.length });
  });

  it('dead-letters a message keyed other than its subject, or off its subject\'s partition, as wrong_partition', async () => {
    const subject = `exchange/${freshId('placed')}`;
    const home = subjectPartition(subject, PARTITIONS);
    const elsewhere = (home + 1) % PARTITIONS;
    const good = cloudEvent(freshId('e'), subject, 'exchange.agreed', { parties: ['UA', 'RU'] });
    const wrongKey = cloudEvent(freshId('e'), subject, 'exchange.suspended', {});
    const wrongPartition = cloudEvent(freshId('e'), subject, 'exchange.suspended', {});
    await publish(subject, [good]);
    await publish(subject, [wrongKey], { key: 'exchange/someone-else', partition: home });
    await publish(subject, [wrongPartition], { partition: elsewhere });
    const mine = await lettersOf(subject, 2);
    expect(mine.map((l) => l.reason.split(':')[0])).toEqual(['wrong_partition', 'wrong_partition']);
    expect(await viewOf(subject)).toMatchObject({ status: 'agreed', event_count: 1 });
  });

  it('dead-letters an id sent again with other content (id_conflict) but counts it once whatever its key order, and refuses a second retraction', async () => {
    const subject = `exchange/${freshId('ids')}`;
    const first = cloudEvent(freshId('e'), subject, 'exchange.completed', { releasedBy: { UA: 150, RU: 150 } });
    await publish(subject, [first]);
    await eventually('the first report', async () => ((await viewOf(subject))?.event_count === 1 ? true : undefined));
    const reordered = { ...first, data: { confirmation: 'confirmed', data: { releasedBy: { RU: 150, UA: 150 } }, source: { kind: 'agency', name: 'Reuters' } } };
    const conflicting = cloudEvent(first.id, subject, 'exchange.completed', { releasedBy: { UA: 150, RU: 189 } });
    const retraction = cloudEvent(freshId('e'), subject, 'report.retracted', { eventId: first.id, reason: 'premature' });
    const again = cloudEvent(freshId('e'), subject, 'report.retracted', { eventId: first.id, reason: 'again' });
    await publish(subject, [reordered, conflicting, retraction, again]);
    const mine = await lettersOf(subject, 2);
    expect(mine.map((l) => l.reason.split(':')[0])).toEqual(['id_conflict', 'already_retracted']);
    // Dead letters go out just before their batch commits.
    const by = await eventually('the retraction committed', async () => (await db.query(`SELECT retracted_by FROM events WHERE event_id = $1`, [first.id]))[0]?.retracted_by ?? undefined);
    expect(by).toBe(retraction.id);
    expect(await indexed(subject)).toEqual([first.id, retraction.id]);
  });

  it('answers /health 503 naming a partition that has messages and does not move, and 200 once it moves again', async () => {
    const subject = `exchange/${freshId('stall')}`;
    const partition = subjectPartition(subject, PARTITIONS);
    await publish(subject, [cloudEvent(freshId('e'), subject, 'exchange.agreed', { parties: ['UA', 'RU'] })]);
    await eventually('the first report', async () => viewOf(subject));
    expect((await fetch(`${url}/health`)).status).toBe(200);
    // Another transaction holds the partition's checkpoint row: the projector waits on it, as it
    // would on a PostgreSQL that accepts connections and never answers.
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT 1 FROM projector_offsets WHERE partition = $1 FOR UPDATE`, [partition]);
      await publish(subject, [cloudEvent(freshId('e'), subject, 'exchange.underway', {})]);
      const body = await eventually('a 503 naming the partition', async () => {
        const r = await fetch(`${url}/health`);
        return r.status === 503 ? ((await r.json()) as { error: string; message: string }) : undefined;
      }, 20_000);
      expect(body.error).toBe('unavailable');
      expect(body.message).toMatch(new RegExp(`projection is stalled on partition ${partition} \\(lag 1, no progress for \\d+ s`));
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    await eventually('the second report', async () => ((await viewOf(subject))?.status === 'underway' ? true : undefined));
    await eventually('200 again', async () => ((await fetch(`${url}/health`)).status === 200 ? true : undefined), 20_000);
  });
});
