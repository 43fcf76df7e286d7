import { openDataSource } from '@newsledger/persistence';
import { eventually, freshId, ownStack, testConfig } from '@newsledger/testing';
import { DataSource } from 'typeorm';
import { AuditError } from '../audit.error';
import { AuditJobsStore } from './audit-jobs.store';

// A schema of its own: one rebuild job at a time holds for the whole schema.
const { schema } = ownStack('auditjobs');

describe('AuditJobsStore (real PostgreSQL)', () => {
  let db: DataSource;
  let store: AuditJobsStore;
  const scope = { topic: 'jobs.events', group: 'jobs-projector' };
  const job = (kind: 'rebuild' | 'verify') => ({ kind, ...scope, requestedBy: 'int-spec', params: {} });

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 4, schema);
    store = new AuditJobsStore(db);
  });
  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it('lets one rebuild job run at a time, whoever asks, and the next once it ended', async () => {
    const first = await store.create(job('rebuild'));
    const asked = await Promise.all([store.create(job('rebuild')), store.create(job('rebuild'))].map((p) => p.then(() => undefined, (e: unknown) => e)));
    for (const refused of asked) {
      expect(refused).toBeInstanceOf(AuditError);
      expect(refused).toMatchObject({ code: 'rebuild_running', details: { rebuildId: first.id } });
    }
    // Verifications are not held back by it.
    await expect(store.create(job('verify'))).resolves.toMatchObject({ kind: 'verify', status: 'running', worker: null });
    const claimed = await store.claim('w1', scope, 60_000, 3);
    expect(claimed).toMatchObject({ id: first.id, worker: 'w1', attempts: 1 });
    await store.finish(first.id, 'w1', { status: 'done', report: { ok: true } });
    await expect(store.create(job('rebuild'))).resolves.toMatchObject({ kind: 'rebuild', status: 'running' });
    await db.query(`DELETE FROM audit_jobs`);
  });

  it('answers sends of one idempotency key, side by side or later, even of a running rebuild, with the job the first recorded', async () => {
    const keyed = (kind: 'rebuild' | 'verify', idempotencyKey: string, requestedBy = 'int-spec') => ({ ...job(kind), requestedBy, idempotencyKey });
    const [a, b, c] = await Promise.all([store.create(keyed('verify', 'k1')), store.create(keyed('verify', 'k1')), store.create(keyed('verify', 'k1'))]);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    // Another requester's key, or another kind of job, is another request.
    expect((await store.create(keyed('verify', 'k1', 'someone-else'))).id).not.toBe(a.id);
    const rebuild = await store.create(keyed('rebuild', 'k1'));
    expect(rebuild.id).not.toBe(a.id);
    await expect(store.create(keyed('rebuild', 'k1'))).resolves.toMatchObject({ id: rebuild.id, status: 'running' });
    await expect(store.create(keyed('rebuild', 'k2'))).rejects.toMatchObject({ code: 'rebuild_running' });
    await db.query(`DELETE FROM audit_jobs`);
  });

  it('gives a job to one worker at a time; another takes it over once its lease ran out, and a job that outlived 3 workers fails', async () => {
    const { id } = await store.create(job('verify'));
    const [a, b] = await Promise.all([store.claim('a', scope, 300, 3), store.claim('b', scope, 300, 3)]);
    expect([a?.id, b?.id].filter(Boolean)).toEqual([id]);
    const holder = a ? 'a' : 'b';
    const other = a ? 'b' : 'a';
    expect(await store.renew(id, holder, 300)).toBe(true);
    expect(await store.claim(other, scope, 300, 3)).toBeUndefined();
    // The holder stops renewing (it died): the other takes the job over, from the beginning.
    const taken = await eventually('the job taken over', () => store.claim(other, scope, 300, 3));
    expect(taken).toMatchObject({ id, worker: other, attempts: 2, phase: 'preparing' });
    expect(await store.renew(id, holder, 300)).toBe(false);
    await store.progress(id, holder, 'replaying', 5, 10);
    expect((await store.get(id, 'verify'))?.progress).toEqual({ applied: 0, target: 0, percent: 0 });
    const third = await eventually('the job taken over again', () => store.claim(freshId('w'), scope, 300, 3));
    expect(third.attempts).toBe(3);
    await eventually('the job failed after its third worker', async () => {
      await store.claim(freshId('w'), scope, 300, 3);
      const now = await store.get(id, 'verify');
      return now?.status === 'failed' ? now : undefined;
    });
    expect(await store.get(id, 'verify')).toMatchObject({ status: 'failed', errorCode: 'job_failed', error: expect.stringContaining('stopped midway 3 times') });
  });

  it('hands a job back to the others, and keeps the code and details of the error that failed one', async () => {
    const { id } = await store.create(job('verify'));
    await store.claim('c', scope, 60_000, 3);
    await store.release(id, 'c');
    expect(await store.get(id, 'verify')).toMatchObject({ status: 'running', worker: null });
    const again = await store.claim('d', scope, 60_000, 3);
    expect(again?.id).toBe(id);
    await store.finish(id, 'd', { status: 'failed', error: new AuditError('log_refused', 'the projector refuses this log', { reason: 'other_cluster' }) });
    const failure = await store.failureOf(id);
    expect(failure).toBeInstanceOf(AuditError);
    expect(failure).toMatchObject({ code: 'log_refused', message: 'the projector refuses this log', details: { reason: 'other_cluster' } });
    expect(await store.get(id, 'verify')).toMatchObject({ status: 'failed', errorCode: 'log_refused' });
  });
});
