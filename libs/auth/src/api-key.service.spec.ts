import { loadConfig } from '@newsledger/config';
import { DataSource } from 'typeorm';
import { ApiKeyService } from './api-key.service';
import { AuthError, KeyCheckPausedError } from './auth.error';

const mockScrypt = { calls: 0 };
jest.mock('node:crypto', () => {
  const actual = jest.requireActual('node:crypto');
  return { ...actual, scrypt: (...args: unknown[]) => (mockScrypt.calls++, actual.scrypt(...args)) };
});

type Row = { id: string; name: string; scopes: string[]; subject_kinds: null; secret_hash: string; revoked_at: Date | null };

/**
 * The api_keys table in memory: the INSERT of `create` and the SELECT of `authenticate`. Each
 * SELECT is recorded with the ids it asked for and answers when `answer` says so (at once by default).
 */
function keysTable() {
  const rows = new Map<string, Row>();
  const selects: { ids: string[]; release: () => void }[] = [];
  let hold = false;
  const query = async (sql: string, params: unknown[]) => {
    if (sql.startsWith('INSERT')) {
      const [id, name, scopes, , secret_hash] = params as [string, string, string[], null, string];
      rows.set(id, { id, name, scopes, subject_kinds: null, secret_hash, revoked_at: null });
      return [];
    }
    const ids = params[0] as string[];
    // The rows as they are when the query reaches the table, whenever it answers.
    const found = ids.flatMap((id) => (rows.has(id) ? [{ ...rows.get(id)! }] : []));
    if (hold) await new Promise<void>((release) => selects.push({ ids, release }));
    else selects.push({ ids, release: () => undefined });
    return found;
  };
  return {
    db: { query } as unknown as DataSource,
    rows,
    selects,
    holdSelects: (on: boolean) => (hold = on),
  };
}

describe('ApiKeyService', () => {
  const config = { ...loadConfig(), adminKey: undefined };
  let now = 1_000_000;
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('checks secrets for one key id one at a time, and for a second after a wrong one asks to retry instead of checking', async () => {
    const keys = new ApiKeyService(keysTable().db, config);
    const { key, id } = await keys.create('kyiv-desk', ['ingest']);
    const wrong = (i: number) => `nlk_${id}_${String(i).padStart(43, 'x')}`;
    mockScrypt.calls = 0;

    const guesses = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => keys.authenticate(wrong(i))));
    const reasons = guesses.map((g) => (g.status === 'rejected' ? g.reason : g.value));
    // One guess was checked and found wrong; the others waited behind it and were not checked.
    expect(reasons.filter((r) => r instanceof AuthError && r.code === 'invalid_key')).toHaveLength(1);
    expect(reasons.filter((r) => r instanceof KeyCheckPausedError && r.code === 'rate_limited' && r.retryAfterSeconds === 1)).toHaveLength(19);
    expect(mockScrypt.calls).toBe(1);
    // Within the second even the right secret is not checked, and it is not told it is wrong.
    now += 400;
    await expect(keys.authenticate(key)).rejects.toBeInstanceOf(KeyCheckPausedError);
    await expect(keys.authenticate(key)).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 1 });
    expect(mockScrypt.calls).toBe(1);
    now += 601;
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId: id, name: 'kyiv-desk' });
    expect(mockScrypt.calls).toBe(2);

    // Once verified, its holder is not held up by someone guessing.
    await expect(keys.authenticate(wrong(99))).rejects.toMatchObject({ code: 'invalid_key' });
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyId: id });
    expect(mockScrypt.calls).toBe(3);
  });

  it('answers an unknown or revoked key id as a wrong secret: the same scrypt, the same answers, the same pause', async () => {
    const table = keysTable();
    const keys = new ApiKeyService(table.db, config);
    const known = await keys.create('kyiv-desk', ['ingest']);
    const revoked = await keys.create('lviv-desk', ['ingest']);
    table.rows.get(revoked.id)!.revoked_at = new Date();
    const guess = (id: string) => `nlk_${id}_${'x'.repeat(43)}`;
    /** What a guesser sees for a key id: the answers to three tries in a row, then one after the pause, and the scrypt runs they cost. */
    const tries = async (id: string) => {
      mockScrypt.calls = 0;
      const answers: string[] = [];
      for (const wait of [0, 0, 0, 1001]) {
        now += wait;
        answers.push(await keys.authenticate(guess(id)).then(() => 'accepted', (e: AuthError | KeyCheckPausedError) => e.code));
      }
      return { answers, scrypt: mockScrypt.calls };
    };
    const wrongSecret = await tries(known.id);
    expect(wrongSecret).toEqual({ answers: ['invalid_key', 'rate_limited', 'rate_limited', 'invalid_key'], scrypt: 2 });
    expect(await tries('0123456789abcdef')).toEqual(wrongSecret);
    expect(await tries(revoked.id)).toEqual(wrongSecret);
  });

  it('reads the rows of requests made side by side in one query, and never gives a request a row read before it came', async () => {
    const table = keysTable();
    const keys = new ApiKeyService(table.db, config);
    const [kyiv, lviv] = [await keys.create('kyiv-desk', ['ingest']), await keys.create('lviv-desk', ['ingest'])];
    await Promise.all([keys.authenticate(kyiv.key), keys.authenticate(lviv.key)]);

    table.selects.length = 0;
    table.holdSelects(true);
    const first = keys.authenticate(kyiv.key);
    await new Promise(setImmediate);
    expect(table.selects.map((q) => q.ids)).toEqual([[kyiv.id]]);
    // Revoked while that read is out: the requests that come now wait for the next read, which sees it.
    table.rows.get(kyiv.id)!.revoked_at = new Date();
    const later = [keys.authenticate(kyiv.key), keys.authenticate(lviv.key), keys.authenticate(kyiv.key)];
    await new Promise(setImmediate);
    expect(table.selects).toHaveLength(1);
    table.holdSelects(false);
    table.selects[0].release();

    await expect(first).resolves.toMatchObject({ keyId: kyiv.id });
    const [kyivAgain, lvivNow, kyivThird] = await Promise.allSettled(later);
    expect(table.selects.map((q) => q.ids)).toEqual([[kyiv.id], [kyiv.id, lviv.id]]);
    expect(kyivAgain).toMatchObject({ status: 'rejected', reason: { code: 'invalid_key' } });
    expect(kyivThird).toMatchObject({ status: 'rejected', reason: { code: 'invalid_key' } });
    expect(lvivNow).toMatchObject({ status: 'fulfilled', value: { keyId: lviv.id } });
  });

  it('takes a key it has read before without reading its row on a route whose write checks the revocation, and reads it again once a write found it revoked', async () => {
    const table = keysTable();
    const keys = new ApiKeyService(table.db, config);
    const kyiv = await keys.create('kyiv-desk', ['ingest']);
    table.selects.length = 0;
    const atWrite = { revocationAtWrite: true };

    // Never read before: read now, and the principal says nothing is left to the write.
    expect(await keys.authenticate(kyiv.key, atWrite)).toEqual({ keyId: kyiv.id, name: 'kyiv-desk', scopes: ['ingest'] });
    expect(table.selects).toHaveLength(1);
    // Read before: not again; the write must refuse it if it is revoked.
    expect(await keys.authenticate(kyiv.key, atWrite)).toEqual({ keyId: kyiv.id, name: 'kyiv-desk', scopes: ['ingest'], revocationAtWrite: true });
    expect(table.selects).toHaveLength(1);
    // Any other route reads it, every time; so does another secret for the same id.
    await keys.authenticate(kyiv.key);
    await expect(keys.authenticate(`nlk_${kyiv.id}_${'x'.repeat(43)}`, atWrite)).rejects.toMatchObject({ code: 'invalid_key' });
    expect(table.selects).toHaveLength(3);

    table.rows.get(kyiv.id)!.revoked_at = new Date();
    expect(keys.revokedAtWrite(kyiv.id)).toMatchObject({ code: 'invalid_key' });
    // Forgotten: the next request reads the row and is refused before its body is read.
    now += 2_000;
    await expect(keys.authenticate(kyiv.key, atWrite)).rejects.toMatchObject({ code: 'invalid_key' });
    expect(table.selects).toHaveLength(4);
    await expect(keys.assertActive(kyiv.id)).rejects.toMatchObject({ code: 'invalid_key' });
  });

  /** How many rows a key's next request reads, after its first read was held out while `meanwhile` ran. */
  async function whileReadIsOut(meanwhile: (keys: ApiKeyService, id: string) => unknown) {
    const table = keysTable();
    const keys = new ApiKeyService(table.db, config);
    const kyiv = await keys.create('kyiv-desk', ['ingest']);
    table.selects.length = 0;
    table.holdSelects(true);
    const reading = keys.authenticate(kyiv.key, { revocationAtWrite: true });
    await new Promise(setImmediate);
    const other = meanwhile(keys, kyiv.id);
    table.holdSelects(false);
    table.selects[0].release();
    await Promise.allSettled([reading, other]);
    const before = table.selects.length;
    await keys.authenticate(kyiv.key, { revocationAtWrite: true });
    return table.selects.length - before;
  }

  it('does not remember a row read before a write found a key revoked: it may be that key\'s, read before the revocation', async () => {
    // Revoked meanwhile, and found so by another request's write, while this read is out: read again.
    expect(await whileReadIsOut((keys, id) => keys.revokedAtWrite(id))).toBe(1);
  });

  it('still remembers a live key read while an unknown key id is refused: anyone can send those', async () => {
    expect(await whileReadIsOut((keys) => keys.authenticate(`nlk_${'0'.repeat(16)}_${'x'.repeat(43)}`))).toBe(0);
  });
});
