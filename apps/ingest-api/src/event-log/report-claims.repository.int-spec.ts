import { openDataSource } from '@newsledger/persistence';
import { eventually, freshId, testConfig } from '@newsledger/testing';
import { DataSource } from 'typeorm';
import { ReportClaimsRepository } from './report-claims.repository';

describe('ReportClaimsRepository (real PostgreSQL)', () => {
  let db: DataSource;
  let claims: ReportClaimsRepository;
  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 2);
    claims = new ReportClaimsRepository(db);
  });
  afterAll(async () => {
    await claims?.onApplicationShutdown();
    await db?.destroy();
  });

  const storedDigest = async (id: string) =>
    ((await db.query(`SELECT digest FROM report_claims WHERE event_id = $1`, [id])) as { digest: string }[])[0]?.digest;

  it('gives an id sent twice in one group to the first send, and stores that send\'s digest', async () => {
    for (let round = 0; round < 20; round++) {
      const id = freshId('claim-twice');
      // The first write goes out alone; the two sends wait and go out together in the next group.
      const [, first, second] = await Promise.all([
        claims.claim(freshId('claim-ahead'), 'exchange/claims-0', 'ahead'),
        claims.claim(id, 'exchange/claims-1', 'digest-first'),
        claims.claim(id, 'exchange/claims-1', 'digest-second'),
      ]);
      expect(first).toEqual({ kind: 'claimed' });
      expect(second).toEqual({ kind: 'pending' });
      expect(await storedDigest(id)).toBe('digest-first');
    }
  });

  it('lets a resend meet the first send\'s mark in one statement: the resend is told the recorded position', async () => {
    const id = freshId('claim-resend');
    await expect(claims.claim(id, 'exchange/claims-2', 'd')).resolves.toEqual({ kind: 'claimed' });
    // Behind a write in flight, the mark and the resend's claim share the next group.
    const [, , resend] = await Promise.all([
      claims.claim(freshId('claim-ahead'), 'exchange/claims-0', 'ahead'),
      claims.recorded(id, { partition: 3, offset: '42' }),
      claims.claim(id, 'exchange/claims-2', 'd'),
    ]);
    expect(resend).toEqual({ kind: 'recorded', position: { partition: 3, offset: '42' }, digest: 'd' });
  });

  const storedPosition = async (id: string) =>
    ((await db.query(`SELECT partition, "offset" FROM report_claims WHERE event_id = $1`, [id])) as { partition: number | null; offset: string | null }[])[0];

  it('writes an appended report\'s claim once: a resend to this process is answered from memory before any mark, one to another process once this one has marked it', async () => {
    const id = freshId('claim-appended');
    await expect(claims.claim(id, 'exchange/claims-3', 'd')).resolves.toEqual({ kind: 'claimed' });
    claims.appended(id, 'd', { partition: 1, offset: '7' });
    // Nothing written for the append: the claim waits for the projector's event index.
    expect(await storedPosition(id)).toEqual({ partition: null, offset: null });
    await expect(claims.claim(id, 'exchange/claims-3', 'd')).resolves.toEqual({ kind: 'recorded', position: { partition: 1, offset: '7' }, digest: 'd' });
    await expect(claims.lookupAll([id])).resolves.toEqual(new Map([[id, { kind: 'recorded', position: { partition: 1, offset: '7' }, digest: 'd' }]]));

    // No projector runs here: this process marks the claim itself, a moment later.
    const other = new ReportClaimsRepository(db);
    await expect(other.claim(id, 'exchange/claims-3', 'd')).resolves.toEqual({ kind: 'pending' });
    await eventually('the late mark', async () => ((await storedPosition(id))?.offset === '7' ? true : undefined));
    await expect(other.claim(id, 'exchange/claims-3', 'd')).resolves.toEqual({ kind: 'recorded', position: { partition: 1, offset: '7' }, digest: 'd' });
  });

  it('writes a claim made with a key id only while that key is not revoked, read by the claim\'s own statement', async () => {
    const keyId = freshId('claims-key');
    await db.query(`INSERT INTO api_keys (id, name, scopes, secret_hash) VALUES ($1, $1, '{ingest}', 'x')`, [keyId]);
    const [live, unknownKey] = [freshId('claim-live-key'), freshId('claim-unknown-key')];
    // In one group: a claim with a live key, one with a key that does not exist, and one without a key.
    const [withKey, withUnknown, without] = await Promise.all([
      claims.claim(live, 'exchange/claims-5', 'd', keyId),
      claims.claim(unknownKey, 'exchange/claims-5', 'd', freshId('no-such-key')),
      claims.claim(freshId('claim-no-key'), 'exchange/claims-5', 'd'),
    ]);
    expect([withKey, withUnknown, without]).toEqual([{ kind: 'claimed' }, { kind: 'key_revoked' }, { kind: 'claimed' }]);
    expect(await storedDigest(unknownKey)).toBeUndefined();

    await db.query(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [keyId]);
    const after = freshId('claim-revoked-key');
    await expect(claims.claim(after, 'exchange/claims-5', 'd', keyId)).resolves.toEqual({ kind: 'key_revoked' });
    // Nothing written, and a resend of an id already claimed learns nothing of it either.
    expect(await storedDigest(after)).toBeUndefined();
    await expect(claims.claim(live, 'exchange/claims-5', 'd', keyId)).resolves.toEqual({ kind: 'key_revoked' });
  });

  it('leaves a claim the projector settled as it is when its late mark comes', async () => {
    const id = freshId('claim-settled');
    await claims.claim(id, 'exchange/claims-4', 'd');
    claims.appended(id, 'd', { partition: 2, offset: '8' });
    await db.query(`UPDATE report_claims SET partition = 2, "offset" = 8 WHERE event_id = $1`, [id]);
    const xmin = async () => ((await db.query(`SELECT xmin::text AS x FROM report_claims WHERE event_id = $1`, [id])) as { x: string }[])[0].x;
    const before = await xmin();
    await claims.onApplicationShutdown();
    expect(await xmin()).toBe(before);
  });
});
