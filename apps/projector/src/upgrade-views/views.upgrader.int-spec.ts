import { INestApplicationContext } from '@nestjs/common';
import { verifyViews } from '@newsledger/audit';
import { STATE_VERSION } from '@newsledger/domain';
import { createKafka } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { eventually, freshId, ownStack, startContext, testConfig } from '@newsledger/testing';
import { Kafka, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ProjectorModule } from '../projector.module';

const ruMod = { name: 'Russian Ministry of Defence', kind: 'official', party: 'RU' };
const uaHq = { name: 'Coordination Headquarters for the Treatment of POWs', kind: 'government', party: 'UA' };
const zelensky = { name: 'Office of the President of Ukraine', kind: 'official', party: 'UA' };

function report(subject: string, type: string, source: object, confirmation: string, data: unknown) {
  return {
    key: subject,
    value: JSON.stringify({
      specversion: '1.0', id: freshId('e'), type, subject, source: 'newsroom/upgrade-desk', time: new Date().toISOString(),
      datacontenttype: 'application/json', data: { source, confirmation, data },
    }),
  };
}

// Its own schema and topics, and a snapshot every 2 events so the old snapshots are due again.
const { run, schema, topics } = ownStack('upgrade', { SNAPSHOT_EVERY: '2' });

describe('an existing database on the new rules (real Kafka and PostgreSQL)', () => {
  let projector: INestApplicationContext | undefined;
  let producer: Producer;
  let kafka: Kafka;
  let db: DataSource;
  const swap = `exchange/${freshId('swap')}`;
  const december = `exchange/${freshId('dec')}`;
  const mine = [swap, december];

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 4, schema);
    kafka = createKafka({ brokers: testConfig.kafka.brokers, clientId: 'upgrade-int-spec' });
    producer = kafka.producer();
    await producer.connect();
    projector = await startContext(ProjectorModule);
  });
  afterAll(async () => {
    await Promise.all([projector?.close(), producer?.disconnect()]);
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('derives the rows and snapshots the previous release wrote again, and they equal a fresh replay', async () => {
    await producer.send({
      topic: topics.events,
      messages: [
        report(swap, 'exchange.agreed', { name: 'Reuters', kind: 'agency' }, 'confirmed', { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } }),
        report(swap, 'exchange.described', { name: 'Reuters', kind: 'agency' }, 'confirmed', { title: 'A Swap of 1,000 Each' }),
        report(swap, 'exchange.completed', { name: 'Truth Social', kind: 'social' }, 'claimed', {}),
        report(swap, 'exchange.phase.completed', ruMod, 'confirmed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }),
        report(swap, 'exchange.phase.completed', uaHq, 'confirmed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }),
        report(december, 'exchange.completed', ruMod, 'confirmed', { releasedBy: { RU: 150, UA: 150 } }),
        report(december, 'exchange.completed', zelensky, 'confirmed', { releasedBy: { RU: 189 } }),
      ],
    });
    const projected = async () => db.query(`SELECT subject FROM views WHERE subject = ANY($1::text[]) AND event_count IN (2, 5)`, [mine]);
    await eventually('both views', async () => ((await projected()).length === 2 ? true : undefined));
    await eventually('the snapshots', async () =>
      (await db.query(`SELECT 1 FROM snapshots WHERE subject = ANY($1::text[])`, [mine])).length === 3 ? true : undefined,
    );
    await projector!.close();
    projector = undefined;

    // What the previous releases stored: summaries without a version, ladder, figures, title or
    // search names, a phase not counted as under way, no level, dispute or search text; snapshots of version 1, which a read must never
    // start from (this one has lost its claims).
    await db.query(
      `UPDATE views SET summary = summary - 'version' - 'ladder' - 'mediators' - 'figures' - 'title' - 'names', level = NULL, disputed = false, search = '',
              status = CASE WHEN subject = $2 THEN 'agreed' ELSE status END, reported_status = CASE WHEN subject = $2 THEN 'completed' ELSE reported_status END
       WHERE subject = ANY($1::text[])`,
      [mine, swap],
    );
    await db.query(`UPDATE snapshots SET state_version = 1, state = json_build_object('kind', 'exchange', 'subject', subject, 'claims', '[]'::json) WHERE subject = ANY($1::text[])`, [mine]);
    expect(await db.query(`SELECT subject FROM views WHERE subject = ANY($1::text[]) AND disputed`, [mine])).toEqual([]);

    projector = await startContext(ProjectorModule);
    await eventually('the rows derived again', async () => {
      const stale = await db.query(`SELECT 1 FROM views WHERE subject = ANY($1::text[]) AND summary->>'version' IS DISTINCT FROM $2`, [mine, String(STATE_VERSION)]);
      return stale.length === 0 ? true : undefined;
    });
    const rows = await db.query(`SELECT subject, status, reported_status, level, disputed, search FROM views WHERE subject = ANY($1::text[]) ORDER BY subject`, [mine]);
    const searched = (subject: string, ...lines: string[]) => [subject.split('/')[1], ...lines].join('\n');
    expect(rows).toEqual(
      [
        {
          subject: swap, status: 'underway', reported_status: 'completed', level: 'single-source', disputed: false,
          search: searched(swap, 'a swap of 1,000 each', 'ru', 'ua', 'coordination headquarters for the treatment of pows', 'reuters', 'russian ministry of defence', 'truth social'),
        },
        {
          subject: december, status: 'completed', reported_status: 'completed', level: 'all-parties', disputed: true,
          search: searched(december, 'ru', 'ua', 'office of the president of ukraine', 'russian ministry of defence'),
        },
      ].sort((a, b) => (a.subject < b.subject ? -1 : 1)),
    );
    await eventually('the snapshots taken again under the current rules', async () => {
      const old = await db.query(`SELECT 1 FROM snapshots WHERE subject = ANY($1::text[]) AND state_version <> $2`, [mine, STATE_VERSION]);
      return old.length === 0 ? true : undefined;
    });

    const verified = await verifyViews(db, kafka, { topic: topics.events, group: `${run}-projector`, groupPrefix: `${run}-verify` });
    expect(verified.differences).toEqual([]);
    expect(verified.ok).toBe(true);
  });
});
