import { ApiKeyService } from '@newsledger/auth';
import { openDataSource } from '@newsledger/persistence';
import { freshId, testConfig } from '@newsledger/testing';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';

const run = promisify(execFile);
const cli = path.join(__dirname, '..', '..', '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');

describe('newsledger keys (compiled CLI, real PostgreSQL)', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 1);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('creates a key shown once and stored hashed, lists it, and revokes it', async () => {
    const name = freshId('cli-desk');
    const created = JSON.parse((await run(process.execPath, [cli, 'keys', 'create', '--name', name, '--scopes', 'ingest,read', '--json'])).stdout);
    expect(created).toMatchObject({ name, scopes: ['ingest', 'read'] });
    const stored: { secret_hash: string }[] = await db.query(`SELECT secret_hash FROM api_keys WHERE id = $1`, [created.id]);
    expect(stored[0].secret_hash).toMatch(/^scrypt\$/);
    // The secret is everything after the id: base64url, so it may itself hold "_" (even first).
    const secret = /^nlk_[a-f0-9]{16}_(.+)$/.exec(created.key)![1];
    expect(secret).toHaveLength(43);
    expect(stored[0].secret_hash).not.toContain(secret);

    const keys = new ApiKeyService(db, testConfig);
    await expect(keys.authenticate(created.key)).resolves.toMatchObject({ name, scopes: ['ingest', 'read'] });

    const listed = JSON.parse((await run(process.execPath, [cli, 'keys', 'list', '--json'])).stdout) as { id: string; revokedAt: string | null }[];
    expect(listed.find((k) => k.id === created.id)).toMatchObject({ revokedAt: null });

    await run(process.execPath, [cli, 'keys', 'revoke', created.id]);
    await expect(keys.authenticate(created.key)).rejects.toMatchObject({ code: 'invalid_key' });
    await expect(run(process.execPath, [cli, 'keys', 'revoke', created.id])).rejects.toMatchObject({ code: 2 });
  });

  it('refuses a name the API would refuse (exit 2, saying what a name may be) and stores nothing', async () => {
    const unnamed = async () => (await db.query(`SELECT count(*)::int AS n FROM api_keys WHERE name = ''`))[0].n as number;
    const before = await unnamed();
    await expect(run(process.execPath, [cli, 'keys', 'create', '--name', '', '--scopes', 'ingest'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('such as "reuters-desk"'),
    });
    expect(await unnamed()).toBe(before);
  });

  it('refuses an unknown scope with a clear message', async () => {
    await expect(run(process.execPath, [cli, 'keys', 'create', '--name', 'x', '--scopes', 'root'])).rejects.toMatchObject({
      stderr: expect.stringContaining('unknown scope "root"'),
    });
  });
});
