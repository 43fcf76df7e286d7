import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { SubjectKind } from '@newsledger/domain';
import { GroupCommit } from '@newsledger/batching';
import { preparedQuery, UNIQUE_VIOLATION } from '@newsledger/persistence';
import { AuthError, KeyCheckPausedError } from './auth.error';
import { KafkaDeskError, KafkaDeskLogin, KafkaDesks } from './kafka-desks.port';
import { Principal, Scope, SCOPES } from './scopes';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
const KDF = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_PATTERN = /^nlk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;
/** How long a key id is not checked again after a wrong secret. */
const FAILED_SECRET_PAUSE_MS = 1000;

/** The id part of a key shaped like one (`nlk_<id>_<secret>`), whether or not it exists. */
export function keyIdOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

async function hashSecret(secret: string, salt = randomBytes(16)): Promise<string> {
  const hash = await scrypt(secret, salt, 32, KDF);
  return `scrypt$${KDF.N}$${KDF.r}$${KDF.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * A hash no secret matches, checked for a key id that does not exist (or is revoked) so the answer
 * costs the same scrypt as a wrong secret for a real one: key ids cannot be told apart by time.
 */
const NO_KEY_HASH = `scrypt$${KDF.N}$${KDF.r}$${KDF.p}$${randomBytes(16).toString('base64')}$${randomBytes(32).toString('base64')}`;

async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(secret, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: KDF.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/** A secret's check: right or wrong, or not made because the key id is paused after a wrong one. */
type SecretCheck = { ok: boolean; pausedForMs?: undefined } | { ok: false; pausedForMs: number };

export interface CreatedKey {
  id: string;
  name: string;
  scopes: Scope[];
  /** the only subject kinds it may write; absent: every kind */
  subjectKinds?: SubjectKind[];
  /** shown once; only its hash is stored */
  key: string;
  /** its Kafka login and topics, when made with one (the password shown once, stored nowhere) */
  kafka?: KafkaDeskLogin;
}

/** What a revocation did: the key, and its Kafka user when it had one. */
export interface RevokedKey {
  id: string;
  revoked: true;
  /** The Kafka user whose login and ACLs were removed. */
  kafkaUser?: string;
  /** The Kafka user still there, for lack of a Kafka admin login here: revoke again where there is one. */
  kafkaUserLeft?: string;
}

/** API keys in PostgreSQL, stored as scrypt hashes; usable without Nest (the CLI uses it). */
export class ApiKeyStore {
  constructor(protected readonly db: DataSource) {}

  /**
   * @param subjectKinds - limits the reports it may write to these subject kinds; absent: every kind
   * @param kafka - also gives the key a Kafka user of its own (an ingest key only), which may publish
   *   to the key's inbound topic only; absent: an HTTP key
   * @throws KafkaDeskError when the Kafka user cannot be made; the key is not kept then
   */
  async create(name: string, scopes: Scope[], subjectKinds?: SubjectKind[], kafka?: KafkaDesks): Promise<CreatedKey> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const kinds = subjectKinds?.length ? [...new Set(subjectKinds)] : undefined;
    if (kafka) checkDesk(kafka, name, scopes);
    await this.db.query(`INSERT INTO api_keys (id, name, scopes, subject_kinds, secret_hash, kafka_user) VALUES ($1, $2, $3, $4, $5, $6)`, [
      id, name, scopes, kinds ?? null, await hashSecret(secret), kafka ? kafka.userOf(name) : null,
    ]).catch((e: { code?: string }) => {
      if (e.code !== UNIQUE_VIOLATION) throw e;
      throw new KafkaDeskError('kafka_desk_exists', `an active key named "${name}" already publishes on Kafka; revoke it first, or choose another name`);
    });
    const created: CreatedKey = { id, name, scopes, ...(kinds ? { subjectKinds: kinds } : {}), key: `nlk_${id}_${secret}` };
    if (!kafka) return created;
    try {
      return { ...created, kafka: await kafka.provision(name) };
    } catch (e) {
      // Nothing half-made: a key on Kafka without its Kafka user would look like one.
      await this.db.query(`DELETE FROM api_keys WHERE id = $1`, [id]);
      throw new KafkaDeskError('kafka_unavailable', `the key was not created: its Kafka user could not be made (${(e as Error).message}); retry when the broker answers, logged in as a Kafka admin`);
    }
  }

  /**
   * Revokes a key at once; a key on Kafka also loses its Kafka login and ACLs when `kafka` is given
   * (a key already revoked whose Kafka user is left is then cleaned up). Undefined when there is no
   * such key to revoke.
   * @throws KafkaDeskError `kafka_unavailable` when the key is revoked but its Kafka user could not be removed
   */
  async revoke(id: string, kafka?: KafkaDesks): Promise<RevokedKey | undefined> {
    const rows: { was_active: boolean; kafka_user: string | null }[] = await this.db.query(
      `WITH k AS (SELECT id, revoked_at IS NULL AS was_active, kafka_user FROM api_keys WHERE id = $1 FOR UPDATE),
            r AS (UPDATE api_keys a SET revoked_at = now() FROM k WHERE a.id = k.id AND k.was_active RETURNING a.id)
       SELECT was_active, kafka_user FROM k`, [id]);
    const key = rows[0];
    if (!key || (!key.was_active && !(kafka && key.kafka_user))) return undefined;
    if (!key.kafka_user) return { id, revoked: true };
    if (!kafka) return { id, revoked: true, kafkaUserLeft: key.kafka_user };
    try {
      await kafka.revoke(key.kafka_user);
    } catch (e) {
      throw new KafkaDeskError('kafka_unavailable', `key ${id} is revoked (the ingest API refuses what it publishes), but its Kafka user "${key.kafka_user}" could not be removed (${(e as Error).message}); revoke it again when the broker answers`);
    }
    await this.db.query(`UPDATE api_keys SET kafka_user = NULL WHERE id = $1`, [id]);
    return { id, revoked: true, kafkaUser: key.kafka_user };
  }

  /** Every key; `subjectKinds` null means every kind, `kafkaUser` null no Kafka login. */
  async list(): Promise<{ id: string; name: string; scopes: string[]; subjectKinds: string[] | null; kafkaUser: string | null; createdAt: string; revokedAt: string | null }[]> {
    const rows: { id: string; name: string; scopes: string[]; subject_kinds: string[] | null; kafka_user: string | null; created_at: Date; revoked_at: Date | null }[] =
      await this.db.query(`SELECT id, name, scopes, subject_kinds, kafka_user, created_at, revoked_at FROM api_keys ORDER BY created_at`);
    return rows.map((r) => ({
      id: r.id, name: r.name, scopes: r.scopes, subjectKinds: r.subject_kinds, kafkaUser: r.kafka_user,
      createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null,
    }));
  }
}

/** Who a key's row speaks for: a NULL `subject_kinds` is every kind, and then no limit is set. */
export function principalOfKey(row: { id: string; name: string; scopes: Scope[]; subject_kinds: SubjectKind[] | null }): Principal {
  return { keyId: row.id, name: row.name, scopes: row.scopes, ...(row.subject_kinds ? { subjectKinds: row.subject_kinds } : {}) };
}

/** A key on Kafka is an ingest key whose name can name a topic. */
function checkDesk(kafka: KafkaDesks, name: string, scopes: readonly Scope[]): void {
  const refusal = kafka.refusal(name);
  if (refusal) throw new KafkaDeskError('kafka_desk_refused', refusal);
  if (!scopes.includes('ingest')) throw new KafkaDeskError('kafka_desk_refused', 'a key on Kafka publishes reports: give it the "ingest" scope');
}

const UNKNOWN_OR_REVOKED = 'the API key is unknown or revoked; ask an admin for a key';

/** A key's row as a request reads it. */
interface KeyRow {
  id: string;
  name: string;
  scopes: Scope[];
  subject_kinds: SubjectKind[] | null;
  secret_hash: string;
  revoked_at: Date | null;
}

/**
 * Resolves bearer keys. Each request reads the key's row (so a revocation takes effect at once),
 * except on a route whose write checks the revocation itself (`revocationAtWrite`); only the slow
 * hash check is remembered, per key and secret digest.
 */
@Injectable()
export class ApiKeyService extends ApiKeyStore {
  private readonly verified = new Map<string, string>();
  /**
   * The rows last read of keys not revoked then, for routes whose write checks the revocation: a
   * key's name, scopes and subject kinds never change, only whether it is revoked. One per key whose
   * secret was verified, so no one without a key adds entries.
   */
  private readonly active = new Map<string, KeyRow>();
  /** Counts the revoked keys found: a row read before one was is not remembered (it may be that key's). */
  private revocationsSeen = 0;
  /** The check in progress per key id, which the next one waits for. */
  private readonly checking = new Map<string, Promise<void>>();
  /** When a wrong secret was last sent for a key id. */
  private readonly failedAt = new Map<string, number>();
  private readonly adminDigest: Buffer | undefined;
  /**
   * The rows requests ask for, read together: one query for every key id asked for while the
   * previous one was out, instead of one per request. A request's read never started before the
   * request came, so a revocation committed before it is seen.
   */
  private readonly rows = new GroupCommit((ids: string[]) => this.readRows(ids), 500);

  constructor(@InjectDataSource() db: DataSource, @Inject(CONFIG) config: NewsledgerConfig) {
    super(db);
    this.adminDigest = config.adminKey ? createHash('sha256').update(config.adminKey).digest() : undefined;
  }

  /**
   * Checks a secret against a key's hash, one check at a time per key id, and none for a second
   * after a wrong one: each check is a 16 MiB scrypt, and guessing secrets for a known id must not
   * buy unlimited ones. A secret not checked is answered with how long to wait, never as wrong: it
   * may be the holder's own, and anyone who knows the key id could otherwise lock them out. The
   * right secret is remembered, so its holder is not checked again.
   */
  private checkSecret(id: string, secret: string, memo: string, hash: string): Promise<SecretCheck> {
    const check = (this.checking.get(id) ?? Promise.resolve()).then(async (): Promise<SecretCheck> => {
      if (this.verified.get(id) === memo) return { ok: true };
      const pausedForMs = (this.failedAt.get(id) ?? -Infinity) + FAILED_SECRET_PAUSE_MS - Date.now();
      if (pausedForMs > 0) return { ok: false, pausedForMs };
      const ok = await verifySecret(secret, hash);
      if (ok) {
        this.verified.set(id, memo);
        this.failedAt.delete(id);
      } else {
        this.failedAt.delete(id);
        this.failedAt.set(id, Date.now());
        this.forgetOldFailures();
      }
      return { ok };
    });
    const settled = check.then(() => undefined, () => undefined);
    this.checking.set(id, settled);
    void settled.then(() => {
      if (this.checking.get(id) === settled) this.checking.delete(id);
    });
    return check;
  }

  /**
   * Drops the wrong secrets whose pause is over. Unknown key ids are paused too, so anyone can add
   * entries; the map stays in the order they were last set, oldest first.
   */
  private forgetOldFailures(): void {
    const now = Date.now();
    for (const [id, at] of this.failedAt) {
      if (now - at < FAILED_SECRET_PAUSE_MS) break;
      this.failedAt.delete(id);
    }
  }

  /**
   * Resolves a bearer key to its principal, or throws {@link AuthError} (or {@link KeyCheckPausedError}).
   * @param opts.revocationAtWrite - for a route whose write refuses a revoked key itself: a key read
   *   before, with this secret, is taken without reading its row (`Principal.revocationAtWrite`)
   */
  async authenticate(key: string | undefined, opts: { revocationAtWrite?: boolean } = {}): Promise<Principal> {
    if (!key) throw new AuthError('missing_key', 'send an API key as "Authorization: Bearer <key>"');
    const digest = createHash('sha256').update(key).digest();
    if (this.adminDigest && timingSafeEqual(digest, this.adminDigest)) {
      return { keyId: 'admin', name: 'admin', scopes: [...SCOPES] };
    }
    const m = KEY_PATTERN.exec(key);
    if (!m) throw new AuthError('invalid_key', 'the API key is not valid; ask an admin for a key');
    const [, id, secret] = m;
    const memo = digest.toString('base64');
    const known = opts.revocationAtWrite ? this.active.get(id) : undefined;
    if (known && this.verified.get(id) === memo) return { ...principalOfKey(known), revocationAtWrite: true };
    const seen = this.revocationsSeen;
    const row = await this.rows.submit(id);
    if (!row || row.revoked_at) {
      // An id with no row was never remembered: anyone can send those, and must not keep live keys from being remembered.
      if (row) this.forgetRevoked(id);
      return this.refuseUnknown(id, secret, memo);
    }
    if (this.verified.get(id) !== memo) await this.requireSecret(id, secret, memo, row.secret_hash);
    if (this.revocationsSeen === seen) this.active.set(id, row);
    return principalOfKey(row);
  }

  /**
   * A write found this key revoked (`Principal.revocationAtWrite`): the error to answer. The key is
   * forgotten, so its next request reads the row again and is refused before its body is read.
   */
  revokedAtWrite(id: string): AuthError {
    this.forgetRevoked(id);
    return new AuthError('invalid_key', UNKNOWN_OR_REVOKED);
  }

  private forgetRevoked(id: string): void {
    this.active.delete(id);
    this.revocationsSeen += 1;
  }

  /**
   * Reads the key's row now, for a write whose principal's row was not read for its request and
   * that looks something up before the statement that checks the key.
   * @throws AuthError `invalid_key` when the key is revoked
   */
  async assertActive(id: string): Promise<void> {
    const row = await this.rows.submit(id);
    if (!row || row.revoked_at) throw this.revokedAtWrite(id);
  }

  /** Throws unless `secret` is the one of `hash` (or was already verified for this key id). */
  private async requireSecret(id: string, secret: string, memo: string, hash: string): Promise<void> {
    const check = await this.checkSecret(id, secret, memo, hash);
    if (check.pausedForMs !== undefined) throw new KeyCheckPausedError(Math.ceil(check.pausedForMs / 1000));
    if (!check.ok) throw new AuthError('invalid_key', UNKNOWN_OR_REVOKED);
  }

  /**
   * Refuses a key id that does not exist or is revoked after the same check, and the same pause
   * after it, as a wrong secret for a real one: neither the time nor the answers tell which key
   * ids exist.
   */
  private async refuseUnknown(id: string, secret: string, memo: string): Promise<never> {
    await this.requireSecret(id, secret, memo, NO_KEY_HASH);
    throw new AuthError('invalid_key', UNKNOWN_OR_REVOKED);
  }

  private async readRows(ids: string[]): Promise<(KeyRow | undefined)[]> {
    const rows = await preparedQuery<KeyRow>(this.db,
      `SELECT id, name, scopes, subject_kinds, secret_hash, revoked_at FROM api_keys WHERE id = ANY($1::text[])`, [[...new Set(ids)]]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id));
  }
}
