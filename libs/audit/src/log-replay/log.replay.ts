import { isKnownAt, SubjectState } from '@newsledger/domain';
import { fetchEndOffsets, KafkaClient, LogMessage, LogReader } from '@newsledger/event-log';
import { DecodedMessage, decodeMessage, projectBatch } from '@newsledger/projection';

/** An event as the replay indexed it: the fields the event index is compared on. */
export interface ReplayedEvent {
  subject: string;
  type: string;
  partition: number;
  offset: string;
  retractedBy: string | null;
}

/** The log folded in memory: what the projector would have stored, had it read exactly this much. */
export interface ReplayedLog {
  topic: string;
  /** Per partition, the first offset not read. */
  until: Map<number, string>;
  states: Map<string, SubjectState>;
  events: Map<string, ReplayedEvent>;
  /** Live `exchange.agreed` links by event id, as in `negotiation_exchanges`. */
  links: Map<string, { negotiation: string; exchange: string }>;
  counts: { read: number; applied: number; rejected: number; duplicates: number; afterAsOf: number };
  /** The states asked for with `capture`, by subject and event count. */
  captured: Map<string, Map<number, SubjectState>>;
}

export interface LogReplayOptions {
  /** Per partition, the first offset not to read; partitions not listed are read to their end as of the start. */
  until?: ReadonlyMap<number, string>;
  /** Leave out events recorded after this instant (what the log said then). */
  asOf?: string;
  /** Prefix of the reader's own consumer group. */
  groupPrefix: string;
  sessionTimeout?: number;
  onProgress?: (read: number, total: number) => void;
  /** Keep the full state of a subject when it reaches one of these event counts (in `ReplayedLog.captured`). */
  capture?: ReadonlyMap<string, ReadonlySet<number>>;
}

/**
 * Reads the log from its first message up to the bounds and folds it in memory with the
 * projector's own batch step (`projectBatch`: validation outcome, duplicate ids, retraction
 * checks, reducers). Nothing is written anywhere.
 */
export async function replayLog(kafka: KafkaClient, topic: string, opts: LogReplayOptions): Promise<ReplayedLog> {
  const ends = await fetchEndOffsets(kafka, topic);
  const until = new Map<number, string>();
  for (const [p, end] of ends) {
    const asked = opts.until?.get(p);
    until.set(p, asked !== undefined && BigInt(asked) < BigInt(end) ? asked : end);
  }
  const log: ReplayedLog = {
    topic,
    until,
    states: new Map(),
    events: new Map(),
    links: new Map(),
    counts: { read: 0, applied: 0, rejected: 0, duplicates: 0, afterAsOf: 0 },
    captured: new Map(),
  };
  const next = new Map([...until.keys()].map((p) => [p, 0n]));
  const total = [...until.values()].reduce((n, o) => n + Number(o), 0);
  const finished = () => [...until].every(([p, bound]) => next.get(p)! >= BigInt(bound));
  if (finished()) return log;

  const reader = new LogReader(kafka, topic, { groupPrefix: opts.groupPrefix, sessionTimeout: opts.sessionTimeout });
  try {
    await new Promise<void>((resolve, reject) => {
      void reader
        .start({
          startOffsets: async () => new Map(),
          onCrash: reject,
          onBatch: async (batch) => {
            const bound = BigInt(until.get(batch.partition) ?? '0');
            const from = next.get(batch.partition) ?? 0n;
            let taken = 0;
            const fresh: LogMessage[] = [];
            for (const m of batch.messages) {
              if (BigInt(m.offset) >= bound) break;
              taken += 1;
              if (BigInt(m.offset) >= from) fresh.push(m);
            }
            if (fresh.length > 0) {
              foldInto(log, fresh, until.size, opts.asOf, opts.capture);
              next.set(batch.partition, BigInt(fresh[fresh.length - 1].offset) + 1n);
              log.counts.read += fresh.length;
              opts.onProgress?.(log.counts.read, total);
            }
            if (finished()) resolve();
            return taken;
          },
        })
        .catch(reject);
    });
  } finally {
    await reader.stop();
  }
  return log;
}

/** Applies one partition's messages, in order, exactly as the projector's transaction would. */
function foldInto(
  log: ReplayedLog,
  messages: readonly LogMessage[],
  partitions: number,
  asOf: string | undefined,
  capture?: LogReplayOptions['capture'],
): void {
  const decoded: DecodedMessage<LogMessage>[] = [];
  for (const message of messages) {
    const d = decodeMessage(message, partitions);
    if (d.ok && asOf !== undefined && !isKnownAt(d.event, { asOf })) {
      log.counts.afterAsOf += 1;
      continue;
    }
    decoded.push(d);
  }
  // Only the ids this batch asks about, as the projector loads them: copying the whole index per batch would be quadratic.
  const indexed = new Map<string, { subject: string; type: string }>();
  for (const d of decoded) {
    if (!d.ok) continue;
    const ids = [d.event.id, ...(d.event.type === 'report.retracted' ? [d.event.data.eventId] : [])];
    for (const id of ids) {
      const known = log.events.get(id);
      if (known) indexed.set(id, { subject: known.subject, type: known.type });
    }
  }
  const onFullState = capture
    ? (state: SubjectState) => {
        if (!capture.get(state.subject)?.has(state.eventCount)) return;
        (log.captured.get(state.subject) ?? log.captured.set(state.subject, new Map()).get(state.subject)!).set(state.eventCount, state);
      }
    : undefined;
  const out = projectBatch(decoded, indexed, log.states, { carryFullStates: true, onFullState });
  for (const v of out.views) log.states.set(v.subject, v.state!);
  for (const e of out.events) log.events.set(e.eventId, { subject: e.subject, type: e.type, partition: e.partition, offset: e.offset, retractedBy: null });
  for (const r of out.retracted) {
    const target = log.events.get(r.eventId);
    if (target) target.retractedBy = r.by;
  }
  for (const id of out.unlinks) log.links.delete(id);
  for (const l of out.links) log.links.set(l.eventId, { negotiation: l.negotiation, exchange: l.exchange });
  log.counts.applied += out.events.length;
  log.counts.rejected += out.rejected.length;
  log.counts.duplicates += out.duplicates;
}
