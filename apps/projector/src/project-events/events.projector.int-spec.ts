import { INestApplicationContext } from '@nestjs/common';
import { replay, summarize, toView } from '@newsledger/domain';
import { createKafka } from '@newsledger/event-log';
import { openDataSource, SubjectStateStore, toRecordedEvent } from '@newsledger/persistence';
import { eventually, freshId, startContext, testConfig } from '@newsledger/testing';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ProjectorModule } from '../projector.module';

function cloudEvent(id: string, subject: string, type: string, confirmation: string, data: unknown) {
  return {
    specversion: '1.0', id, type, subject, source: 'newsroom/direct-desk', time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { source: { name: 'Reuters', kind: 'agency' }, confirmation, data },
  };
}

describe('projector (real Kafka and PostgreSQL)', () => {
  let projector: INestApplicationContext;
  let kafka: Kafka;
  let producer: Producer;
  let db: DataSource;

  beforeAll(async () => {
    kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'projector-int-spec' });
    producer = kafka.producer();
    [projector, db] = await Promise.all([startContext(ProjectorModule), openDataSource(testConfig.database.url, 2), producer.connect()]).then(
      ([p, d]) => [p, d] as const,
    );
  });
  afterAll(async () => {
    await Promise.all([projector?.close(), producer?.disconnect(), db?.destroy()]);
  });

  async function publish(subject: string, values: (string | object)[]) {
    await producer.send({
      topic: testConfig.kafka.topics.events,
      messages: values.map((v) => ({ key: subject, value: typeof v === 'string' ? v : JSON.stringify(v) })),
    });
  }

  it('projects CloudEvents published straight to the topic, counts a re-sent id once, and dead-letters bad messages', async () => {
    const subject = `exchange/${freshId('direct')}`;
    const agreed = cloudEvent(freshId('e'), subject, 'exchange.agreed', 'confirmed', { parties: ['UA', 'RU'], releasedBy: { UA: 84, RU: 84 } });
    const claimed = cloudEvent(freshId('e'), subject, 'exchange.completed', 'claimed', {});
    const badFields = cloudEvent(freshId('e'), subject, 'exchange.agreed', 'confirmed', { parties: 'UA' });
    const retractUnknown = cloudEvent(freshId('e'), subject, 'report.retracted', 'confirmed', { eventId: 'never-recorded', reason: 'test' });
    await publish(subject, [agreed, claimed, agreed, '{"not json', badFields, retractUnknown, cloudEvent(freshId('e'), subject, 'exchange.unknown', 'confirmed', {})]);

    const row = await eventually('the view', async () => {
      const rows = await db.query(`SELECT * FROM views WHERE subject = $1`, [subject]);
      return rows[0];
    });
    expect(row).toMatchObject({ kind: 'exchange', status: 'agreed', reported_status: 'completed', event_count: 2 });
    const indexed = await db.query(`SELECT event_id FROM events WHERE subject = $1 ORDER BY "offset"`, [subject]);
    expect(indexed.map((r: { event_id: string }) => r.event_id)).toEqual([agreed.id, claimed.id]);

    // Four bad messages reach the dead-letter topic with their reason and original position.
    const dlq = kafka.consumer({ groupId: freshId('dlq-reader') });
    await dlq.connect();
    await dlq.subscribe({ topic: testConfig.kafka.topics.dlq, fromBeginning: true });
    const letters: { reason: string; original: { key: string; offset: string } }[] = [];
    await dlq.run({ eachMessage: async ({ message }) => { letters.push(JSON.parse(message.value!.toString())); } });
    const mine = await eventually('four dead letters', async () => {
      const m = letters.filter((l) => l.original.key === subject);
      return m.length >= 4 ? m : undefined;
    });
    await dlq.disconnect();
    expect(mine).toHaveLength(4);
    expect(mine.map((l) => l.reason).join(' | ')).toMatch(/not JSON/);
    expect(mine.map((l) => l.reason).join(' | ')).toMatch(/unknown event "never-recorded"/);
    for (const l of mine) expect(l.original.offset).toMatch(/^\d+$/);
  });

  it('counts an id sent again in a later batch once, beside the new reports of that batch', async () => {
    const subject = `exchange/${freshId('resent')}`;
    const agreed = cloudEvent(freshId('e'), subject, 'exchange.agreed', 'confirmed', { parties: ['UA', 'RU'] });
    await publish(subject, [agreed]);
    await eventually('the first report', async () => ((await db.query(`SELECT 1 FROM views WHERE subject = $1`, [subject])).length ? true : undefined));
    const underway = cloudEvent(freshId('e'), subject, 'exchange.underway', 'confirmed', {});
    await publish(subject, [agreed, underway, { ...agreed, type: 'exchange.completed' }]);
    const row = await eventually('the second batch', async () => {
      const rows = await db.query(`SELECT * FROM views WHERE subject = $1`, [subject]);
      return rows[0]?.event_count === 2 ? rows[0] : undefined;
    });
    expect(row).toMatchObject({ status: 'underway', event_count: 2 });
    const indexed = await db.query(`SELECT event_id, type FROM events WHERE subject = $1 ORDER BY "offset"`, [subject]);
    expect(indexed).toEqual([{ event_id: agreed.id, type: 'exchange.agreed' }, { event_id: underway.id, type: 'exchange.underway' }]);
  });

  it('keeps the stored summary equal to a replay of the indexed events, retraction included', async () => {
    const subject = `exchange/${freshId('retract')}`;
    const underway = cloudEvent(freshId('e'), subject, 'exchange.underway', 'confirmed', {});
    const completed = cloudEvent(freshId('e'), subject, 'exchange.completed', 'confirmed', { releasedBy: { UA: 5, RU: 5 } });
    await publish(subject, [underway, completed]);
    await eventually('completed', async () => {
      const rows = await db.query(`SELECT status FROM views WHERE subject = $1`, [subject]);
      return rows[0]?.status === 'completed' ? true : undefined;
    });
    await publish(subject, [cloudEvent(freshId('e'), subject, 'report.retracted', 'confirmed', { eventId: completed.id, reason: 'premature' })]);
    const row = await eventually('the retraction applied', async () => {
      const rows = await db.query(`SELECT * FROM views WHERE subject = $1`, [subject]);
      return rows[0]?.status === 'underway' ? rows[0] : undefined;
    });
    const events = await db.query(`SELECT * FROM events WHERE subject = $1 ORDER BY "offset"`, [subject]);
    expect(events.find((e: { event_id: string }) => e.event_id === completed.id).retracted_by).toBeTruthy();
    const recorded = events.map(toRecordedEvent);
    const replayed = replay(subject, recorded);
    expect(row.summary).toEqual(JSON.parse(JSON.stringify(summarize(replayed))));
    // What reads replay (snapshots and the index) gives the same view; a list row read at an
    // earlier event count replays only that far.
    const read = (await new SubjectStateStore().load(db, [subject])).get(subject)!;
    expect(toView(read.state)).toEqual(toView(replayed));
    const earlier = (await new SubjectStateStore().load(db, [subject], { upTo: new Map([[subject, 2]]) })).get(subject)!;
    expect(earlier.eventsRead).toBe(2);
    expect(toView(earlier.state)).toEqual(toView(replay(subject, recorded.slice(0, 2))));
  });

  it('indexes free text exactly as reported: tabs, line breaks, backslashes, quotes and other scripts (the index is written with COPY)', async () => {
    const subject = `exchange/${freshId('text')}`;
    const awkward = 'line 1\nline\t2\r\nback\\slash \\N "quoted" «Київ» 🕊';
    const event = {
      ...cloudEvent(freshId('e'), subject, 'exchange.underway', 'reported', { location: `checkpoint\t7 \\ "north"` }),
      source: 'newsroom/desk\\east\tnight',
    };
    event.data = { ...event.data, source: { name: awkward, kind: 'media' }, note: awkward } as typeof event.data;
    // A note of several kilobytes, mostly multi-byte: more than the COPY buffer sets aside for a line at first.
    const long = cloudEvent(freshId('e'), subject, 'exchange.completed', 'reported', {});
    const longNote = 'Київ 🕊 «обмін» '.repeat(120);
    long.data = { ...long.data, note: longNote } as typeof long.data;
    await publish(subject, [event, long]);
    const row = await eventually('the event indexed', async () => {
      const rows = await db.query(`SELECT ingestor, source, data, note FROM events WHERE event_id = $1`, [event.id]);
      return rows[0];
    });
    expect(row).toEqual({ ingestor: 'desk\\east\tnight', source: { name: awkward, kind: 'media' }, data: { location: `checkpoint\t7 \\ "north"` }, note: awkward });
    const [{ note }] = await db.query(`SELECT note FROM events WHERE event_id = $1`, [long.id]);
    expect(note).toBe(longNote);
  });

  it('settles the ingest API\'s claim of a report it indexes at the report\'s log position, in the same transaction, and leaves a settled one as it is', async () => {
    const subject = `exchange/${freshId('claimed')}`;
    const agreed = cloudEvent(freshId('e'), subject, 'exchange.agreed', 'confirmed', { parties: ['UA', 'RU'] });
    const underway = cloudEvent(freshId('e'), subject, 'exchange.underway', 'confirmed', {});
    // As the ingest API leaves them: the first claim pending, the second already marked by its late mark.
    await db.query(`INSERT INTO report_claims (event_id, subject, digest) VALUES ($1, $3, 'd1'), ($2, $3, 'd2')`, [agreed.id, underway.id, subject]);
    await db.query(`UPDATE report_claims SET partition = 0, "offset" = 0 WHERE event_id = $1`, [underway.id]);
    await publish(subject, [agreed, underway]);
    const indexed: { event_id: string; partition: number; offset: string }[] = await eventually('both indexed', async () => {
      const rows = await db.query(`SELECT event_id, partition, "offset" FROM events WHERE subject = $1`, [subject]);
      return rows.length === 2 ? rows : undefined;
    });
    const claims: { event_id: string; partition: number; offset: string; digest: string }[] = await db.query(
      `SELECT event_id, partition, "offset", digest FROM report_claims WHERE subject = $1 ORDER BY digest`, [subject]);
    const first = indexed.find((r) => r.event_id === agreed.id)!;
    expect(claims).toEqual([
      { event_id: agreed.id, partition: first.partition, offset: first.offset, digest: 'd1' },
      { event_id: underway.id, partition: 0, offset: '0', digest: 'd2' },
    ]);
  });
});
