import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_SCHEMA } from './dead-letter.message';
import { logConsumerConfig } from './log-batch';

/** How much of a refused message a listing shows. */
export const DEAD_LETTER_PREVIEW_CHARS = 200;

/** One dead letter as a person browsing the dead-letter topic reads it. */
export interface DeadLetterEntry {
  /** Its offset on the dead-letter topic (one partition): what `before` pages by. */
  position: string;
  /** When it reached the dead-letter topic (the message's timestamp, an ISO instant). */
  arrivedAt: string;
  /** Why it was refused, whole. */
  reason: string;
  /** `<topic>/<partition>/<offset>` of the refused message (the `x-original-position` header). */
  originalPosition: string | null;
  /** The refused message's key. */
  key: string | null;
  /** One per invalid field. */
  issues: { path: string; message: string }[];
  /** The first {@link DEAD_LETTER_PREVIEW_CHARS} characters of the refused message, as UTF-8 text. */
  preview: string | null;
  /** The refused message's length in bytes. */
  bytes: number | null;
  /** True when `preview` is not the whole message. */
  previewTruncated: boolean;
}

/** One page of dead letters, newest first. */
export interface DeadLetterPage {
  letters: DeadLetterEntry[];
  /** Pass as `before` for the next (older) page; null when this page reaches the oldest. */
  nextBefore: string | null;
  /** How many dead letters the topic holds now. */
  total: number;
}

/** Raised when the dead-letter topic cannot be read in time (broker away). */
export class DeadLetterReadError extends Error {
  readonly code = 'log_unavailable';
}

/** A dead letter's value (and header) as an entry; a value that is not a dead letter is shown as it is. */
export function toDeadLetterEntry(m: { offset: string; timestamp: string; key: string | null; value: Buffer | null; headers: Record<string, string> }): DeadLetterEntry {
  const text = m.value?.toString('utf8') ?? null;
  let parsed: ReturnType<typeof DEAD_LETTER_SCHEMA.safeParse> | undefined;
  try {
    parsed = text === null ? undefined : DEAD_LETTER_SCHEMA.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  const base = { position: m.offset, arrivedAt: m.timestamp, originalPosition: m.headers[DEAD_LETTER_HEADERS.originalPosition] ?? null };
  if (!parsed?.success) {
    return { ...base, reason: 'not a dead letter of this version', key: m.key, issues: [], preview: text?.slice(0, DEAD_LETTER_PREVIEW_CHARS) ?? null, bytes: m.value?.length ?? null, previewTruncated: (text?.length ?? 0) > DEAD_LETTER_PREVIEW_CHARS };
  }
  const { reason, issues, original } = parsed.data;
  const value = original.value;
  return {
    ...base,
    originalPosition: base.originalPosition ?? `${original.topic}/${original.partition}/${original.offset}`,
    reason,
    key: original.key,
    issues,
    preview: value === null ? null : value.slice(0, DEAD_LETTER_PREVIEW_CHARS),
    bytes: original.bytes ?? (value === null ? null : Buffer.byteLength(value)),
    previewTruncated: value !== null && (original.truncated === true || value.length > DEAD_LETTER_PREVIEW_CHARS),
  };
}

/**
 * Reads one page of the dead-letter topic (partition 0), newest first: the `limit` letters before
 * offset `before` (default: the newest). A consumer group of its own, nothing committed.
 * @param opts.timeoutMs - how long the read may take before {@link DeadLetterReadError} @defaultValue `10000`
 */
export async function readDeadLetters(kafka: Kafka, topic: string, opts: { limit: number; before?: string; timeoutMs?: number }): Promise<DeadLetterPage> {
  const admin = kafka.admin({ retry: { retries: 2 } });
  let low: bigint;
  let high: bigint;
  try {
    await admin.connect();
    if (!(await admin.listTopics()).includes(topic)) return { letters: [], nextBefore: null, total: 0 };
    const p0 = (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === 0);
    low = BigInt(p0?.low ?? '0');
    high = BigInt(p0?.high ?? '0');
  } catch (e) {
    throw new DeadLetterReadError(`the dead-letter topic ${topic} cannot be read: ${(e as Error).message}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  const end = opts.before === undefined || BigInt(opts.before) > high ? high : BigInt(opts.before);
  const start = end - BigInt(opts.limit) > low ? end - BigInt(opts.limit) : low;
  const total = Number(high - low);
  if (start >= end) return { letters: [], nextBefore: null, total };

  const letters: DeadLetterEntry[] = [];
  const consumer = kafka.consumer(logConsumerConfig(`${topic}.browse.${randomUUID()}`, { maxWaitTimeInMs: 100, maxBytesPerPartition: 1024 * 1024 }));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DeadLetterReadError(`the dead-letter topic ${topic} could not be read within ${opts.timeoutMs ?? 10_000} ms`)), opts.timeoutMs ?? 10_000);
      const finish = (e?: unknown) => {
        clearTimeout(timer);
        if (e) reject(e instanceof DeadLetterReadError ? e : new DeadLetterReadError(`the dead-letter topic ${topic} cannot be read: ${(e as Error).message}`));
        else resolve();
      };
      consumer.on(consumer.events.CRASH, (e) => finish(e.payload.error));
      // The group joins before the seek applies: seek on join, so the first fetch starts at `start`.
      consumer.on(consumer.events.GROUP_JOIN, () => consumer.seek({ topic, partition: 0, offset: String(start) }));
      void (async () => {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (batch.partition !== 0) return;
            for (const m of batch.messages) {
              const offset = BigInt(m.offset);
              if (offset < start || offset >= end) continue;
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(m.headers ?? {})) {
                const first = Array.isArray(v) ? v[0] : v;
                if (first !== undefined) headers[k] = first.toString();
              }
              letters.push(toDeadLetterEntry({ offset: m.offset, timestamp: new Date(Number(m.timestamp)).toISOString(), key: m.key?.toString('utf8') ?? null, value: m.value, headers }));
            }
            const last = batch.messages.length ? BigInt(batch.messages[batch.messages.length - 1].offset) : start - 1n;
            if (last >= end - 1n || last >= BigInt(batch.highWatermark) - 1n) finish();
          },
        });
      })().catch(finish);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  letters.sort((a, b) => (BigInt(b.position) > BigInt(a.position) ? 1 : -1));
  return { letters, nextBefore: start > low ? String(start) : null, total };
}
