import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { openDataSource } from '@newsledger/persistence';
import { client, eventually, FeedEvent, FeedStream, freshId, openFeed, startApi, startContext, testConfig } from '@newsledger/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { DataSource } from 'typeorm';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { StatusChangesFeed } from '../apps/query-api/src/follow-status-changes/status-changes.feed';
import { StatusChangesTail } from '../apps/query-api/src/follow-status-changes/status-changes.tail';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

const SUBJECTS = 10;
/** Each event moves both status fields, so 500 events make 1,000 changes. */
const EVENTS = 500;

function report(id: string, subject: string, type: string, confirmation = 'confirmed') {
  const data = type === 'exchange.agreed' ? { parties: ['UA', 'RU'] } : {};
  return { id, type, subject, source: { name: 'wire', kind: 'agency' }, confirmation, data };
}

describe('status-change feed over SSE (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let db: DataSource;
  const key = testConfig.adminKey;

  beforeAll(async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { FEED_HEARTBEAT_MS: '300' });
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]).finally(() => {
      process.env = saved;
    });
    db = await openDataSource(testConfig.database.url, 2);
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
    await db?.destroy();
  });

  async function post(reports: unknown[]): Promise<void> {
    const r = await client(ingest.url)('POST', '/v1/reports/batch', reports);
    expect([r.status, r.body.accepted]).toEqual([200, reports.length]);
  }

  /** The feed's changes of these subjects, from the outbox, in feed order. */
  async function stored(subjects: string[]): Promise<{ id: string; seq: string }[]> {
    // Ordered by the bigint column: `ORDER BY seq` would sort the text alias ("1000" < "999").
    return db.query(`SELECT id, seq::text AS seq FROM status_changes WHERE topic = $1 AND subject = ANY($2) ORDER BY status_changes.seq`, [testConfig.kafka.topics.statusChanges, subjects]);
  }

  /**
   * Waits for `atLeast` changes on `stream`. Ends at once, saying why, if the server ends the stream
   * or `writer` (the loop posting the reports) fails: either would otherwise look like a slow feed.
   * A timeout says how far the chain got (indexed, in the outbox, relayed) for these `subjects`.
   */
  async function received(stream: FeedStream, atLeast: number, what: string, writer?: { done: Promise<void>; subjects: string[] }): Promise<void> {
    // A stream closed on its last wanted change (closeAfter) ends with them all: only an early end fails.
    const ended = stream.ended.then(() => {
      if (stream.events.length < atLeast) throw new Error(`the stream ended before ${what} (${stream.events.length} received)`);
    });
    const failed = writer?.done.then(() => new Promise<never>(() => undefined));
    try {
      await Promise.race([eventually(what, async () => (stream.events.length >= atLeast ? true : undefined), 120_000), ended, ...(failed ? [failed] : [])]);
    } catch (e) {
      if (!writer || !String(e).includes('timed out')) throw e;
      const [chain] = await db.query(
        `SELECT (SELECT count(*) FROM events WHERE subject = ANY($2))::int AS indexed,
                count(*)::int AS outbox, count(published_at)::int AS relayed,
                (SELECT max(seq) FROM status_changes WHERE topic = $1)::text AS last
         FROM status_changes WHERE topic = $1 AND subject = ANY($2)`,
        [testConfig.kafka.topics.statusChanges, writer.subjects],
      );
      // Where the query API's feed stands: its tail's position against the outbox's last, the streams it holds.
      const streams = query.app.get(StatusChangesFeed);
      const feed = `the feed's tail at ${query.app.get(StatusChangesTail).position} of ${chain.last}; ${streams.size} stream(s) open, ${streams.catchingUp} still catching up`;
      const last = stream.events[stream.events.length - 1]?.position;
      // Heartbeats still arriving while changes do not: the server sends, but not these changes.
      throw new Error(`${String(e)}; ${stream.events.length} received (the last at ${last}), with ${stream.comments.length} heartbeat(s); events indexed ${chain.indexed}, changes in the outbox ${chain.outbox}, relayed ${chain.relayed}; ${feed}`);
    }
  }

  it('a subscriber disconnected during 1,000 changes and reconnecting with Last-Event-ID misses none and sees none twice', async () => {
    const run = freshId('sse');
    const subjects = Array.from({ length: SUBJECTS }, (_, i) => `exchange/${run}-${i}`);
    const filter = `subject=${subjects.join(',')}`;
    const reports = Array.from({ length: EVENTS }, (_, n) => {
      const i = n % SUBJECTS;
      const round = Math.floor(n / SUBJECTS);
      return report(`${run}-ev-${n}`, subjects[i], round % 2 === 0 ? 'exchange.underway' : 'exchange.suspended');
    });

    // Each connection is dropped on its 300th change exactly: a burst (a relay batch is up to 500
    // changes) must not leave the next one too few to wait for.
    const first = await openFeed(query.url, key, filter, undefined, { closeAfter: 300 });
    await first.opened;
    // One report per subject per request: a batch's lines are appended concurrently, so two
    // reports of one subject in one batch could land in either order.
    const posting = (async () => {
      for (let i = 0; i < reports.length; i += SUBJECTS) await post(reports.slice(i, i + SUBJECTS));
    })();
    const writer = { done: posting, subjects };

    // Dropped part-way; the second connection resumes while changes still flow (catch-up, then
    // live), and is dropped too; the third comes back after everything is written.
    await received(first, 300, '300 changes on the first connection', writer);
    await first.ended;
    const second = await openFeed(query.url, key, filter, first.events[first.events.length - 1].position, { closeAfter: 300 });
    await received(second, 300, '300 more changes on the second connection', writer);
    await second.ended;
    await posting;
    const expected = await eventually('all 1,000 changes in the outbox', async () => {
      const rows = await stored(subjects);
      return rows.length === 2 * EVENTS ? rows : undefined;
    }, 120_000);
    const third = await openFeed(query.url, key, filter, second.events[second.events.length - 1].position);
    const got = () => [...first.events, ...second.events, ...third.events];
    await eventually('every change received', async () => (got().length >= expected.length ? true : undefined), 120_000);
    // A heartbeat after the last change: anything still owed would have come before it.
    const beats = third.comments.length;
    await eventually('a heartbeat', async () => (third.comments.length > beats ? true : undefined));
    third.close();

    const all = got();
    expect(all.map((e) => e.change.id)).toEqual(expected.map((r) => r.id));
    expect(all.map((e) => e.position)).toEqual(expected.map((r) => r.seq));
    expect(new Set(all.map((e) => e.change.id)).size).toBe(2 * EVENTS);
    // Each resumed from the last change the one before it kept: what the equalities above prove.
    expect([first.events.length, second.events.length, third.events.length]).toEqual([300, 300, 2 * EVENTS - 600]);
    // Per subject, each change starts where the previous one ended.
    for (const subject of subjects) {
      for (const field of ['status', 'reportedStatus']) {
        const chain = all.filter((e) => e.change.subject === subject && e.change.field === field).map((e) => e.change);
        expect(chain).toHaveLength(EVENTS / SUBJECTS);
        chain.slice(1).forEach((c, i) => expect(c.from).toBe(chain[i].to));
      }
    }
  });

  it('sends the contract shape, filters by subject, kind and field, and replays from ?lastEventId=0', async () => {
    const run = freshId('filters');
    const exchange = `exchange/${run}`;
    const negotiation = `negotiation/${run}`;
    const live = await openFeed(query.url, key, `subject=${exchange}&subject=${negotiation}&field=reportedStatus`);
    await live.opened;
    // The exchange's two reports in two requests: a batch's lines are appended concurrently.
    await post([report(`${run}-1`, exchange, 'exchange.agreed', 'confirmed'), { ...report(`${run}-2`, negotiation, 'negotiation.round.held'), data: { round: 1 } }]);
    await post([report(`${run}-3`, exchange, 'exchange.completed', 'claimed')]);
    const expected = [
      { id: `${run}-1:reportedStatus`, subject: exchange, field: 'reportedStatus', from: null, to: 'agreed', causedBy: `${run}-1` },
      { id: `${run}-3:reportedStatus`, subject: exchange, field: 'reportedStatus', from: 'agreed', to: 'completed', causedBy: `${run}-3` },
    ];
    await received(live, 2, 'the two reportedStatus changes');
    expect(live.events.map((e) => e.change)).toEqual(expected.map((c) => ({
      ...c,
      recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      cause: { eventId: c.causedBy, type: c.to === 'agreed' ? 'exchange.agreed' : 'exchange.completed', confirmation: c.to === 'agreed' ? 'confirmed' : 'claimed', source: { name: 'wire', kind: 'agency' } },
      level: 'single-source',
      reason: expect.stringMatching(/^Reported status (set to agreed|moved from agreed to completed): wire reported that the exchange was (agreed|completed) \((confirmed|claimed)\)\.$/),
    })));
    expect(Object.keys(live.events[0].change)).toEqual(['id', 'subject', 'field', 'from', 'to', 'causedBy', 'recordedAt', 'cause', 'level', 'reason']);
    live.close();

    const negotiations = await openFeed(query.url, key, `lastEventId=0&subject=${exchange},${negotiation}&kind=negotiation`);
    await received(negotiations, 1, 'the negotiation change, replayed');
    expect(negotiations.events.map((e) => [e.change.subject, e.change.field, e.change.from, e.change.to])).toEqual([[negotiation, 'status', 'scheduled', 'active']]);
    negotiations.close();

    const replayed = await openFeed(query.url, key, `lastEventId=0&subject=${exchange}`);
    await received(replayed, 3, 'all three exchange changes, replayed');
    expect(replayed.events.map((e) => e.change.id)).toEqual([`${run}-1:status`, `${run}-1:reportedStatus`, `${run}-3:reportedStatus`]);
    replayed.close();
  });

  it('sends heartbeats, and refuses a bad Last-Event-ID or filter with the contract error', async () => {
    const stream = await openFeed(query.url, key, `subject=exchange/${freshId('quiet')}`);
    await eventually('two heartbeats', async () => (stream.comments.filter((c) => c === 'keep-alive').length >= 2 ? true : undefined));
    stream.close();
    for (const [query_, header] of [['', 'ev-1:status'], ['kind=treaty', undefined], ['lastEventId=-3', undefined]] as const) {
      const refused: unknown = await openFeed(query.url, key, query_, header).catch((e: unknown) => e);
      expect(refused).toMatchObject({ status: 400, message: expect.stringContaining('"error":"invalid_query"') });
    }
    // A position this feed never reached (another environment's, or a reset database's) would
    // otherwise wait in silence for changes that may never come.
    const ahead: unknown = await openFeed(query.url, key, '', '999999999999').catch((e: unknown) => e);
    expect(ahead).toMatchObject({ status: 400, message: expect.stringContaining('is ahead of this feed') });
    await expect(openFeed(query.url, undefined)).rejects.toMatchObject({ status: 401 });
  });

  it('`newsledger tail` prints the feed from a given id, filtered, as JSON lines', async () => {
    const run = freshId('tail');
    const subject = `exchange/${run}`;
    await post([report(`${run}-1`, subject, 'exchange.agreed')]);
    await post([report(`${run}-2`, subject, 'exchange.underway')]);
    await eventually('the changes in the outbox', async () => ((await stored([subject])).length === 4 ? true : undefined));
    const cli = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, [cli, 'tail', '--subject', subject, '--field', 'status', '--from', '0', '--json'], {
        env: { ...process.env, NEWSLEDGER_QUERY_URL: query.url, NEWSLEDGER_KEY: key },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines: FeedEvent['change'][] = [];
      createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l) as FeedEvent['change']));
      await eventually('two status changes printed', async () => (lines.length >= 2 ? true : undefined));
      await post([report(`${run}-3`, subject, 'exchange.completed')]);
      await eventually('the live change printed', async () => (lines.length >= 3 ? true : undefined));
      expect(lines.map((l) => [l.id, l.from, l.to])).toEqual([
        [`${run}-1:status`, null, 'agreed'],
        [`${run}-2:status`, 'agreed', 'underway'],
        [`${run}-3:status`, 'underway', 'completed'],
      ]);
      expect(lines.every((l) => typeof (l as { position?: string }).position === 'string')).toBe(true);
    } finally {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
  });
});
