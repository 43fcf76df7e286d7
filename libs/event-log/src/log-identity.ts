import { createHash } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { LogReader } from './log.reader';
import { withAdmin } from './topics';

/**
 * What tells one log from another. kafkajs 2.2.4 speaks Metadata v6, which has no topic ids, so a
 * topic deleted and created again under its name is told apart by its messages: per partition, one
 * message already applied (its offset and {@link messageMark}) must still be there, the same.
 */
export interface LogIdentity {
  /** The Kafka cluster id (a fresh one for every formatted broker). */
  clusterId: string;
  /** Partition → an applied message that anchors the views to this log. */
  anchors: Record<string, LogAnchor>;
}

export interface LogAnchor {
  offset: string;
  mark: string;
}

/** What the broker says now about the cluster and a topic. */
export interface LogFacts {
  clusterId: string;
  /** Partition → its low watermark (first offset still kept) and high watermark (next offset). */
  partitions: Map<number, { low: bigint; high: bigint }>;
}

/** Why the views may not be applied from this log; shown by `/health` and the projector's log. */
export type LogRefusalReason = 'other_cluster' | 'log_replaced' | 'checkpoint_beyond_end' | 'events_removed';

export interface LogRefusal {
  reason: LogRefusalReason;
  /** What was found, with numbers. */
  message: string;
  /** What an operator can do about it. */
  action: string;
  details: Record<string, unknown>;
}

const ADOPT =
  'point KAFKA_BROKERS (and EVENTS_TOPIC) back at the log the views were projected from, and the projector resumes by itself; ' +
  'or run `newsledger rebuild --adopt-log` to derive every view from the log there now and void the old log\'s report ids';

/** The mark of a message whose CloudEvent id is `id` (see {@link messageMark}). */
export function eventIdMark(id: string): string {
  return `id:${id}`;
}

/** Names a message by its CloudEvent id, or by a digest of its bytes when it has none. */
export function messageMark(value: Buffer | null): string {
  if (value !== null) {
    try {
      const id = (JSON.parse(value.toString('utf8')) as { id?: unknown }).id;
      if (typeof id === 'string' && id.length > 0) return eventIdMark(id);
    } catch {
      // not JSON: its bytes name it
    }
  }
  return `sha256:${createHash('sha256').update(value ?? Buffer.alloc(0)).digest('hex')}`;
}

/**
 * Whether views checkpointed at `checkpoints` (next offset per partition) may go on from this log.
 * Only a log that is provably the one the views came from, and still holds every message not yet
 * applied, passes: another cluster, a checkpoint past the end, messages removed before they were
 * applied, or an anchor that reads differently are each refused.
 *
 * @param marks - partition → the mark of the message now at the anchor's offset (null: not there)
 */
export function judgeLog(input: {
  stored: LogIdentity | undefined;
  facts: LogFacts;
  checkpoints: ReadonlyMap<number, bigint>;
  anchors?: ReadonlyMap<number, LogAnchor>;
  marks?: ReadonlyMap<number, string | null>;
}): LogRefusal | undefined {
  const { stored, facts, checkpoints } = input;
  if (stored && stored.clusterId !== facts.clusterId) {
    return {
      reason: 'other_cluster',
      message: `the views were projected from Kafka cluster ${stored.clusterId}, but the brokers configured are cluster ${facts.clusterId}`,
      action: ADOPT,
      details: { storedClusterId: stored.clusterId, clusterId: facts.clusterId },
    };
  }
  for (const [partition, next] of [...checkpoints].sort(([a], [b]) => a - b)) {
    const { low, high } = facts.partitions.get(partition) ?? { low: 0n, high: 0n };
    if (next > high) {
      return {
        reason: 'checkpoint_beyond_end',
        message: `partition ${partition} was applied up to offset ${next} but the log ends at ${high}: this is not the log the views came from`,
        action: ADOPT,
        details: { partition, checkpoint: next.toString(), high: high.toString() },
      };
    }
    if (low > next) {
      return {
        reason: 'events_removed',
        message: `partition ${partition}: offsets ${next} to ${low - 1n} were removed from the log before they were applied`,
        action: 'restore the removed events to the log, or run `newsledger rebuild --adopt-log` to derive every view from what is left',
        details: { partition, checkpoint: next.toString(), low: low.toString() },
      };
    }
  }
  for (const [partition, anchor] of input.anchors ?? []) {
    const found = input.marks?.get(partition);
    if (found === undefined || found === anchor.mark) continue;
    return {
      reason: 'log_replaced',
      message: `partition ${partition} holds ${found ?? 'nothing'} at offset ${anchor.offset} where the views applied ${anchor.mark}: the topic was replaced`,
      action: ADOPT,
      details: { partition, offset: anchor.offset, applied: anchor.mark, found },
    };
  }
  return undefined;
}

/** The id of the Kafka cluster the client reaches. */
export async function readClusterId(kafka: Kafka): Promise<string> {
  return withAdmin(kafka, async (admin) => (await admin.describeCluster()).clusterId);
}

/** The cluster id and every partition's watermarks. */
export async function readLogFacts(kafka: Kafka, topic: string): Promise<LogFacts> {
  return withAdmin(kafka, async (admin) => {
    const { clusterId } = await admin.describeCluster();
    const offsets = await admin.fetchTopicOffsets(topic);
    return { clusterId, partitions: new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }])) };
  });
}

/**
 * The {@link messageMark} of the message at each given offset (null where that offset holds none).
 * Reads with a consumer group of its own, nothing committed.
 */
export async function readMarks(
  kafka: Kafka,
  topic: string,
  offsets: ReadonlyMap<number, bigint>,
  opts: { groupPrefix: string; timeoutMs?: number },
): Promise<Map<number, string | null>> {
  const marks = new Map<number, string | null>();
  if (offsets.size === 0) return marks;
  const reader = new LogReader(kafka, topic, { groupPrefix: opts.groupPrefix });
  let done!: () => void;
  let failed!: (e: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => ((done = resolve), (failed = reject)));
  const timer = setTimeout(() => failed(new Error(`could not read offsets ${[...offsets].map(([p, o]) => `${p}:${o}`).join(', ')} of ${topic} in time`)), opts.timeoutMs ?? 20_000);
  try {
    await reader.start({
      startOffsets: async () => new Map([...offsets].map(([p, o]) => [p, o.toString()])),
      onBatch: async ({ partition, messages }) => {
        const wanted = offsets.get(partition);
        if (wanted === undefined || marks.has(partition)) return 0;
        const at = messages.find((m) => BigInt(m.offset) >= wanted);
        // A fetch from before the seek: read on to the wanted offset.
        if (!at) return messages.length;
        marks.set(partition, BigInt(at.offset) === wanted ? messageMark(at.value) : null);
        if (marks.size === offsets.size) done();
        return 0;
      },
      onCrash: (e) => failed(e),
    });
    await finished;
    return marks;
  } finally {
    clearTimeout(timer);
    await reader.stop().catch(() => undefined);
  }
}
