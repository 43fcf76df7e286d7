import { INestApplication } from '@nestjs/common';
import { validateReport } from '@newsledger/domain';
import { createKafka, DEAD_LETTER_HEADERS } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, freshId, ownStack, startApi, testConfig } from '@newsledger/testing';
import * as fc from 'fast-check';
import { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { recordFigures } from './support/figures';

// Its own topics, schema and group: "every partition's lag is 0" must be about this test's log only.
const { schema, topics } = ownStack('fuzz');
/** Cases per run: `FUZZ_RUNS=5000 npm test -- --testPathPatterns whole-path-fuzz` for a larger one. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 20241230);

// Text from the whole UTF-16 range (lone surrogates and controls included), whole graphemes (4-byte
// characters, RTL marks) and the values that broke the projector before.
const text = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc.constantFrom('a\ud800b', '\udfff', '\u0000', 'مرحبا\u200f', '😀🕊', '\\"'.repeat(20), 'tab\there'),
);
const count = fc.oneof(fc.nat({ max: 5000 }), fc.constantFrom(0, 2 ** 53 - 1, 2 ** 53, 1e308, -1, 0.5));
const reportedTime = fc.constantFrom('2025-05-23', '2025', '0099-12-31', '0001', '0000-01-01', '0000', '9999-12-31T23:59:59-14:00', '2025-05-23T10:00:00+03:00', '2025-02-30');
const recordedAt = fc.constantFrom(undefined, '0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59-14:00', '2025-05-23T10:00:00Z', 'yesterday');

/** Reports valid by the JSON Schema's shape, whose text, numbers and times come from the edges. */
const report = (subject: string, negotiation: string) =>
  fc.record({
    body: fc.oneof(
      fc.record({ type: fc.constant('exchange.agreed'), subject: fc.constant(subject), data: fc.record({ parties: fc.constant(['UA', 'RU']), releasedBy: fc.record({ UA: count, RU: count }) }) }),
      fc.record({ type: fc.constant('exchange.underway'), subject: fc.constant(subject), data: fc.record({ location: text, expectedDays: count }, { requiredKeys: [] }) }),
      fc.record({ type: fc.constant('exchange.details.reported'), subject: fc.constant(subject), data: fc.record({ location: text, mediators: fc.array(text, { minLength: 1, maxLength: 2 }) }, { requiredKeys: [] }) }),
      fc.record({ type: fc.constant('negotiation.round.held'), subject: fc.constant(negotiation), data: fc.record({ round: count, venue: text, date: reportedTime }, { requiredKeys: ['round'] }) }),
      fc.record({ type: fc.constant('negotiation.position.stated'), subject: fc.constant(negotiation), data: fc.record({ party: fc.constant('RU'), speaker: text, quote: text }) }),
    ),
    source: fc.record({ name: text, kind: fc.constantFrom('agency', 'official', 'unnamed') }),
    occurredAt: fc.option(reportedTime, { nil: undefined }),
    note: fc.option(text, { nil: undefined }),
    confirmation: fc.constantFrom('confirmed', 'claimed', 'denied'),
    overKafka: fc.boolean(),
    time: recordedAt,
  });

describe('whole-path fuzz: hostile text and numbers over HTTP and straight to Kafka (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let projector: { app: INestApplication; url: string };
  let kafka: Kafka;
  let producer: Producer;
  let admin: Admin;
  let dlqReader: Consumer;
  let db: DataSource;
  const deadLettered = new Set<string>();

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 2, schema);
    [ingest, projector] = await Promise.all([startApi(IngestApiModule), startApi(ProjectorModule)]);
    kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'whole-path-fuzz' });
    producer = kafka.producer();
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    dlqReader = kafka.consumer({ groupId: freshId('fuzz-dlq') });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: topics.dlq, fromBeginning: true });
    await dlqReader.run({ eachMessage: async ({ message }) => void deadLettered.add(String(message.headers?.[DEAD_LETTER_HEADERS.originalPosition])) });
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), projector?.app.close(), producer?.disconnect(), admin?.disconnect(), dlqReader?.disconnect()]);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it(`answers every report 2xx or 4xx, and leaves every partition at lag 0 with each message either projected once or dead-lettered (${RUNS} cases)`, async () => {
    const post = client(ingest.url);
    const subject = `exchange/${freshId('fuzz')}`;
    const negotiation = `negotiation/${freshId('fuzz')}`;
    const accepted: string[] = [];
    const published: { id: string; position: string; valid: boolean }[] = [];
    let refused = 0;
    let n = 0;

    await fc.assert(
      fc.asyncProperty(report(subject, negotiation), async (r) => {
        const id = `fuzz-${(n += 1)}-${freshId('r')}`;
        const body = { id, ...r.body, source: r.source, confirmation: r.confirmation, occurredAt: r.occurredAt, note: r.note };
        if (!r.overKafka) {
          const answer = await post('POST', '/v1/reports', JSON.stringify(body), { 'content-type': 'application/json' });
          expect([202, 400]).toContain(answer.status);
          expect(answer.status === 202).toBe(validateReport(JSON.parse(JSON.stringify(body))).ok);
          if (answer.status === 202) accepted.push(id);
          else refused += 1;
          return;
        }
        const { id: _id, type, subject: about, ...data } = body;
        const event = { specversion: '1.0', id, type, subject: about, source: 'newsroom/fuzz-desk', time: r.time, datacontenttype: 'application/json', data };
        const [meta] = await producer.send({ topic: topics.events, messages: [{ key: about, value: JSON.stringify(event) }] });
        // Whatever `time` the message claims is ignored: recordedAt is the broker's append time.
        const valid = validateReport(JSON.parse(JSON.stringify(body))).ok;
        published.push({ id, position: `${topics.events}/${meta.partition}/${meta.baseOffset}`, valid });
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(accepted.length + refused + published.length).toBe(RUNS);

    // Every partition moves to the end of the log, as /metrics tells it.
    const lags = await eventually('lag 0 on every partition', async () => {
      const text = (await client(projector.url)('GET', '/metrics')).body as string;
      const series = [...text.matchAll(/^newsledger_projector_lag\{partition="(\d+)"\} (\d+)$/gm)];
      return series.length === testConfig.kafka.eventsPartitions && series.every((s) => s[2] === '0') ? series.length : undefined;
    }, 60_000);
    expect(lags).toBe(testConfig.kafka.eventsPartitions);

    const indexed = new Set(
      ((await db.query(`SELECT event_id FROM events WHERE subject = ANY($1)`, [[subject, negotiation]])) as { event_id: string }[]).map((r) => r.event_id),
    );
    for (const id of accepted) expect(indexed.has(id)).toBe(true);
    await eventually('a dead letter for every message not projected', async () =>
      published.every((p) => indexed.has(p.id) || deadLettered.has(p.position)) ? true : undefined,
    );
    for (const p of published) {
      // Projected exactly when valid; otherwise dead-lettered, never both.
      expect({ id: p.id, projected: indexed.has(p.id), deadLettered: deadLettered.has(p.position) }).toEqual({ id: p.id, projected: p.valid, deadLettered: !p.valid });
    }
    recordFigures('wholePathFuzz', {
      cases: RUNS,
      seed: SEED,
      http: accepted.length + refused,
      httpAccepted: accepted.length,
      httpRefused400: refused,
      kafka: published.length,
      kafkaProjected: published.filter((p) => p.valid).length,
      kafkaDeadLettered: published.filter((p) => !p.valid).length,
      status5xx: 0,
      partitionsAtLag0: lags,
    });
  });
});
