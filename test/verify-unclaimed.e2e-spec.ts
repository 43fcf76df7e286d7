import { INestApplication } from '@nestjs/common';
import { client, ownStack, startApi } from '@newsledger/testing';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

// Views and topics of its own, so no projector of another test takes the job.
ownStack('unclaimed');

describe('a synchronous verify with no projector to run it (real PostgreSQL)', () => {
  let api: { app: INestApplication; url: string } | undefined;
  afterAll(async () => {
    await api?.app.close();
  });

  it('answers 202 with the job to follow instead of holding the request open', async () => {
    api = await startApi(QueryApiModule);
    const reply = await client(api.url)('POST', '/v1/admin/verify');
    expect(reply.status).toBe(202);
    expect(reply.headers.get('location')).toBe(`/v1/admin/verify/${reply.body.id}`);
    expect(reply.body).toMatchObject({ kind: 'verify', status: 'running', worker: null, progressUrl: `/v1/admin/verify/${reply.body.id}` });
    expect(reply.body.message).toContain('no projector has taken the verification yet');
  }, 60_000);
});
