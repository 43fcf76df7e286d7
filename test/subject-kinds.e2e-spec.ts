import { INestApplication } from '@nestjs/common';
import { createKafka } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { client, freshId, startApi, testConfig } from '@newsledger/testing';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { readLog } from './support/log-read';

const run = promisify(execFile);
const cli = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');

function report(subject: string, id: string) {
  return subject.startsWith('exchange/')
    ? { id, type: 'exchange.details.reported', subject, source: { name: 'wire', kind: 'agency' }, confirmation: 'reported', data: { expectedDays: 3 } }
    : { id, type: 'negotiation.round.announced', subject, source: { name: 'wire', kind: 'agency' }, confirmation: 'reported', data: { round: 1 } };
}

describe('keys limited to subject kinds (compiled CLI, real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let db: DataSource;
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'subject-kinds-spec' });

  beforeAll(async () => {
    [ingest, query] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule)]);
    db = await openDataSource(testConfig.database.url, 1);
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), db?.destroy()]);
  });

  it('lets a key made with `keys create --kinds exchange` write exchanges only, alone and in batches, appending nothing it refuses', async () => {
    const name = freshId('exchange-desk');
    const created = JSON.parse((await run(process.execPath, [cli, 'keys', 'create', '--name', name, '--scopes', 'ingest', '--kinds', 'exchange', '--json'])).stdout);
    expect(created).toMatchObject({ name, scopes: ['ingest'], subjectKinds: ['exchange'] });
    const listed = JSON.parse((await run(process.execPath, [cli, 'keys', 'list', '--json'])).stdout) as { id: string; subjectKinds: string[] | null }[];
    expect(listed.find((k) => k.id === created.id)?.subjectKinds).toEqual(['exchange']);

    const post = client(ingest.url, created.key);
    const prefix = freshId('kinds');
    const allowed = await post('POST', '/v1/reports', report(`exchange/${prefix}-swap`, `${prefix}-1`));
    expect(allowed.status).toBe(202);

    const refused = await post('POST', '/v1/reports', report(`negotiation/${prefix}-talks`, `${prefix}-2`));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'forbidden_subject_kind', details: [{ path: 'subject' }] });
    // The message says what is allowed and how to get a key that may write it.
    expect(refused.body.message).toContain('exchange subjects only');
    expect(refused.body.message).toContain('--kinds negotiation');

    const batch = await post('POST', '/v1/reports/batch', [
      report(`exchange/${prefix}-swap`, `${prefix}-3`),
      report(`negotiation/${prefix}-talks`, `${prefix}-4`),
      report(`exchange/${prefix}-other`, `${prefix}-5`),
    ]);
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ accepted: 2, rejected: 1, failed: 0 });
    expect(batch.body.results[1]).toMatchObject({ line: 2, status: 'rejected', error: 'forbidden_subject_kind', details: [{ path: 'subject' }] });

    // Refused before the id was claimed: nothing appended, and the id stays free for a key that may write it.
    const ids = new Set((await readLog(kafka, testConfig.kafka.topics.events)).map((m) => m.id));
    expect([1, 2, 3, 4, 5].map((n) => ids.has(`${prefix}-${n}`))).toEqual([true, false, true, false, true]);
    const claims: { event_id: string }[] = await db.query(`SELECT event_id FROM report_claims WHERE event_id = ANY($1)`, [[`${prefix}-2`, `${prefix}-4`]]);
    expect(claims).toEqual([]);
    expect((await client(ingest.url)('POST', '/v1/reports', report(`negotiation/${prefix}-talks`, `${prefix}-2`))).status).toBe(202);
  });

  it('takes the limit over HTTP too, keeps keys without one unlimited, and refuses an unknown kind', async () => {
    const admin = client(query.url);
    const negotiations = await admin('POST', '/v1/admin/keys', { name: freshId('talks-desk'), scopes: ['ingest'], subjectKinds: ['negotiation'] });
    expect(negotiations.status).toBe(201);
    expect(negotiations.body.subjectKinds).toEqual(['negotiation']);
    const anything = await admin('POST', '/v1/admin/keys', { name: freshId('any-desk'), scopes: ['ingest'] });
    expect(anything.body.subjectKinds).toBeUndefined();

    const prefix = freshId('kinds');
    const asTalks = client(ingest.url, negotiations.body.key);
    expect((await asTalks('POST', '/v1/reports', report(`negotiation/${prefix}-talks`, `${prefix}-1`))).status).toBe(202);
    expect((await asTalks('POST', '/v1/reports', report(`exchange/${prefix}-swap`, `${prefix}-2`))).body.error).toBe('forbidden_subject_kind');
    const asAny = client(ingest.url, anything.body.key);
    expect((await asAny('POST', '/v1/reports', report(`negotiation/${prefix}-talks`, `${prefix}-3`))).status).toBe(202);
    expect((await asAny('POST', '/v1/reports', report(`exchange/${prefix}-swap`, `${prefix}-4`))).status).toBe(202);

    const listed = await admin('GET', '/v1/admin/keys');
    expect(listed.body.keys.find((k: { id: string }) => k.id === negotiations.body.id).subjectKinds).toEqual(['negotiation']);
    expect(listed.body.keys.find((k: { id: string }) => k.id === anything.body.id).subjectKinds).toBeNull();

    const bad = await admin('POST', '/v1/admin/keys', { name: freshId('bad-desk'), scopes: ['ingest'], subjectKinds: ['prisoner'] });
    expect([bad.status, bad.body.error]).toEqual([400, 'invalid_query']);
    await expect(run(process.execPath, [cli, 'keys', 'create', '--name', 'x', '--scopes', 'ingest', '--kinds', 'prisoner'])).rejects.toMatchObject({
      stderr: expect.stringContaining('unknown subject kind "prisoner"'),
    });
  });
});
