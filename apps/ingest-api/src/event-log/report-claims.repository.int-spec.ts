import { openDataSource } from '@newsledger/persistence';
import { freshId, testConfig } from '@newsledger/testing';
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
});
