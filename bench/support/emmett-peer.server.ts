/**
 * The peer a newsroom would pick instead: Emmett's PostgreSQL event store, each report appended
 * to its subject's stream with an inline projection (a Pongo document per exchange, folded in
 * the append's transaction by newsledger's own summary reducer, so both systems project the same
 * facts). Served by a bare `node:http` server, as the bench's client speaks HTTP to every side.
 * It does what Emmett does and no more: no validation, no keys, no idempotency by id.
 *
 * Run as its own process: PORT, and DATABASE_URL naming the schema to use (search_path).
 * GET answers 200 once the event store's schema is migrated and the server listens.
 */
import { Event, isExpectedVersionConflictError, projections } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, pongoSingleStreamProjection } from '@event-driven-io/emmett-postgresql';
import { EVENT_TYPES, evolveSummary, initialSummary, RecordedEvent, Report, SubjectSummary } from '@newsledger/domain';
import * as http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** A report as appended: what the client sent, with the time and sender the server adds (a plain record to Emmett). */
type ReportAppended = Event<string, Record<string, unknown>>;

const exchangeSummaries = pongoSingleStreamProjection({
  collectionName: 'exchange_summaries',
  canHandle: [...EVENT_TYPES],
  evolve: (document: SubjectSummary | null, event: ReportAppended & { metadata: { streamName: string; globalPosition: bigint } }) => {
    const recorded = { ...event.data, position: { partition: 0, offset: String(event.metadata.globalPosition) } } as unknown as RecordedEvent;
    return evolveSummary(document ?? initialSummary(event.metadata.streamName), recorded);
  },
} as unknown as Parameters<typeof pongoSingleStreamProjection>[0]);

const eventStore = getPostgreSQLEventStore(process.env.DATABASE_URL!, {
  projections: projections.inline([exchangeSummaries]),
});

/** PostgreSQL's "already exists" for a table or its row type another writer has just created. */
const createdMeanwhile = (e: unknown): boolean => ['42P07', '42710', '23505'].includes((e as { code?: string }).code ?? '') && /exist/.test(String((e as Error).message));

async function append(report: Report): Promise<void> {
  const event: ReportAppended = { type: report.type, data: { ...report, recordedAt: new Date().toISOString(), ingestor: 'bench' } };
  // Appends without an expected version, yet two writers on one stream at once still collide (on
  // the stream's next position, or the document's first insert) and one is refused: it tries
  // again after a short random pause, as an application on Emmett would. So is one of the first
  // writers when Pongo creates the projection's table on first use and another creates it too.
  for (let attempt = 1; ; attempt++) {
    try {
      await eventStore.appendToStream(report.subject, [event]);
      return;
    } catch (e) {
      // By its code: the PostgreSQL package bundles a copy of Emmett's core, whose classes are not this one's.
      if (!(isExpectedVersionConflictError(e) || createdMeanwhile(e)) || attempt >= 100) throw e;
      await sleep(1 + Math.random() * 10);
    }
  }
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
    let report: Report;
    try {
      report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Report;
    } catch {
      res.writeHead(400).end();
      return;
    }
    append(report).then(
      () => {
        const body = JSON.stringify({ eventId: report.id });
        res.writeHead(202, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      },
      (e: unknown) => {
        const body = JSON.stringify({ error: String((e as Error).message ?? e) });
        res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      },
    );
  });
});
server.keepAliveTimeout = 60_000;

eventStore.schema.migrate().then(
  () => server.listen(Number(process.env.PORT), '127.0.0.1'),
  (e: unknown) => {
    process.stderr.write(`emmett peer: schema migration failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
process.once('SIGTERM', () => server.close(() => void eventStore.close().finally(() => process.exit(0))));
