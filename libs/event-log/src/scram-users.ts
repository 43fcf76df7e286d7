import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';

/**
 * SCRAM users through the broker's Admin API (AlterUserScramCredentials, KIP-554), which
 * kafkajs 2.2.4 does not wrap: the request is encoded here and sent on a kafkajs broker
 * connection (logged in as the caller, which must be allowed to alter the cluster). The broker
 * stores and checks the credential itself; only the salted password is computed here, as every
 * Admin client does (RFC 5802's Hi, i.e. PBKDF2-HMAC-SHA-512). For desks on Kafka (a key's own
 * Kafka user), which need a user made and removed while the broker runs.
 */

/** AlterUserScramCredentials, the only version there is (flexible). */
const API_KEY = 51;
const API_VERSION = 0;
/** ScramMechanism.SCRAM_SHA_512 */
const SCRAM_SHA_512 = 2;
/** Above the broker's minimum for SCRAM-SHA-512 (4096); each login costs the broker this many rounds. */
const ITERATIONS = 8192;

/** A refusal of the broker for one user, with Kafka's error code. */
export class ScramUserError extends Error {
  readonly code = 'scram_user_refused';
  constructor(readonly user: string, readonly kafkaErrorCode: number, message: string | null) {
    super(`the broker refused to change the SCRAM user "${user}" (Kafka error ${kafkaErrorCode}${message ? `: ${message}` : ''})`);
  }
}

/** Creates a SCRAM-SHA-512 user, or sets its password when it exists. */
export async function upsertScramUser(kafka: Kafka, user: string, password: string): Promise<void> {
  const salt = randomBytes(32);
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 64, 'sha512');
  await alterScramCredentials(kafka, { deletions: [], upsertions: [{ user, salt, salted }] });
}

/**
 * Removes a user's SCRAM-SHA-512 credential: it can log in no more (connections already open
 * keep their session until they close). A user without one is not an error.
 */
export async function deleteScramUser(kafka: Kafka, user: string): Promise<void> {
  await alterScramCredentials(kafka, { deletions: [user], upsertions: [] }, RESOURCE_NOT_FOUND);
}

/** Kafka's RESOURCE_NOT_FOUND: a deletion of a credential that is not there. */
const RESOURCE_NOT_FOUND = 91;

interface Alteration {
  deletions: string[];
  upsertions: { user: string; salt: Buffer; salted: Buffer }[];
}

async function alterScramCredentials(kafka: Kafka, alteration: Alteration, tolerated?: number): Promise<void> {
  const cluster = kafkaCluster(kafka);
  await cluster.connect();
  try {
    await cluster.refreshMetadata();
    const broker = await cluster.findControllerBroker();
    const results = await broker.connectionPool.send({ request: request(alteration), response: RESPONSE });
    const failed = results.find((r) => r.errorCode !== 0 && r.errorCode !== tolerated);
    if (failed) throw new ScramUserError(failed.user, failed.errorCode, failed.message);
  } finally {
    await cluster.disconnect();
  }
}

/** The kafkajs internals used: a client's own cluster, and a broker's connection pool. */
interface KafkajsCluster {
  connect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  disconnect(): Promise<void>;
  findControllerBroker(): Promise<{
    connectionPool: { send(p: { request: unknown; response: unknown }): Promise<{ user: string; errorCode: number; message: string | null }[]> };
  }>;
}

/** A kafkajs cluster with the client's own settings (brokers, SASL login, retries). */
function kafkaCluster(kafka: Kafka): KafkajsCluster {
  const key = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!key) throw new Error('this kafkajs version does not expose its cluster: SCRAM users cannot be managed');
  return (kafka as unknown as Record<symbol, (o: object) => KafkajsCluster>)[key]({});
}

// ------------------------------------------------------------------ the wire format (flexible)

const uvarint = (n: number): Buffer => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
};
const compactBytes = (b: Buffer) => Buffer.concat([uvarint(b.length + 1), b]);
const compactString = (s: string) => compactBytes(Buffer.from(s, 'utf8'));
const int8 = (n: number) => Buffer.from([n]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const NO_TAGS = Buffer.from([0]);
const compactArray = (items: Buffer[]) => Buffer.concat([uvarint(items.length + 1), ...items]);

function request(a: Alteration) {
  // kafkajs writes request header v1; a flexible request's header v2 adds its (empty) tagged
  // fields right after the client id, so the body starts with them.
  const body = Buffer.concat([
    NO_TAGS,
    compactArray(a.deletions.map((user) => Buffer.concat([compactString(user), int8(SCRAM_SHA_512), NO_TAGS]))),
    compactArray(
      a.upsertions.map((u) =>
        Buffer.concat([compactString(u.user), int8(SCRAM_SHA_512), int32(ITERATIONS), compactBytes(u.salt), compactBytes(u.salted), NO_TAGS]),
      ),
    ),
    NO_TAGS,
  ]);
  return {
    apiKey: API_KEY,
    apiVersion: API_VERSION,
    apiName: 'AlterUserScramCredentials',
    // kafkajs's connection takes one of its own Encoders, a class it does not export.
    encode: async () => new (encoderClass())().writeBuffer(body),
  };
}

function encoderClass(): new () => { writeBuffer(b: Buffer): unknown } {
  return require('kafkajs/src/protocol/encoder') as new () => { writeBuffer(b: Buffer): unknown };
}

/** A reader of the response (header v1: its tagged fields come first, after the correlation id). */
class Reader {
  private at = 0;
  constructor(private readonly b: Buffer) {}
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.b[this.at++];
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }
  skipTags(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint();
      this.at += this.uvarint();
    }
  }
  int16(): number {
    const v = this.b.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    const v = this.b.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  string(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const s = this.b.toString('utf8', this.at, this.at + n - 1);
    this.at += n - 1;
    return s;
  }
}

const RESPONSE = {
  decode: async (payload: Buffer) => {
    const r = new Reader(payload);
    r.skipTags();
    const throttleTime = r.int32();
    const results: { user: string; errorCode: number; message: string | null }[] = [];
    for (let n = r.uvarint() - 1; n > 0; n--) {
      const user = r.string() ?? '';
      const errorCode = r.int16();
      const message = r.string();
      r.skipTags();
      results.push({ user, errorCode, message });
    }
    return { throttleTime, clientSideThrottleTime: 0, results };
  },
  parse: async (decoded: { results: { user: string; errorCode: number; message: string | null }[] }) => decoded.results,
};
