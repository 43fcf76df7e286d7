import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { client, eventually, freshId, startApi, startContext } from '@newsledger/testing';
import { DataSource } from 'typeorm';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

describe('webhook deliveries that cannot even be made (real Kafka and PostgreSQL)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  it('records a stored URL that no longer parses as a failed attempt, disables the subscription with the reason, and throws nothing into the process', async () => {
    const run = freshId('unsendable');
    const subject = `exchange/${run}`;
    const admin = client(query.url);
    const created = await admin('POST', '/v1/subscriptions', { url: 'http://127.0.0.1:9/', secret: `secret-${run}-0123456789`, filter: { subject, field: 'status' } });
    expect(created.status).toBe(201);
    // Whatever the API let in then (an older rule, a hand-edited row), the dispatcher must survive what it reads.
    await query.app.get(DataSource).query(`UPDATE webhook_subscriptions SET url = 'not a url' WHERE id = $1`, [created.body.id]);

    const posted = await client(ingest.url)('POST', '/v1/reports', { id: `${run}-1`, type: 'exchange.underway', subject, source: { name: 'wire', kind: 'agency' }, confirmation: 'confirmed', data: {} });
    expect(posted.status).toBe(202);

    const disabled = await eventually('the subscription disabled', async () => {
      const s = await admin('GET', `/v1/subscriptions/${created.body.id}`);
      return s.body.status === 'disabled' ? s.body : undefined;
    }, 60_000);
    expect(disabled.disabledReason).toMatch(/last error: could not be sent: TypeError: Invalid URL/);
    const log = await admin('GET', `/v1/subscriptions/${created.body.id}/deliveries`);
    expect(log.body.deliveries).toEqual([expect.objectContaining({ changeId: `${run}-1:status`, state: 'failed', lastError: expect.stringContaining('Invalid URL') })]);
    expect(unhandled).toEqual([]);
  });
});
