import { asSummary, SubjectState, SubjectSummary, summarize, summaryColumns } from '@newsledger/domain';
import { fetchEndOffsets, KafkaClient } from '@newsledger/event-log';
import { DataSource } from 'typeorm';
import { replayLog, ReplayedLog } from '../log-replay/log.replay';
import { assertLogAccepted } from '../rebuild/log.adoption';
import { Difference, diffValues } from './difference';

/** A stored view row as `verify` reads it. */
export interface StoredViewRow {
  subject: string;
  kind: string;
  status: string | null;
  reported_status: string | null;
  level: string | null;
  disputed: boolean;
  parties: string[];
  search: string;
  event_count: number;
  last_recorded_at: Date;
  /** The summary (null in a row written before summaries, which holds `state` instead). */
  summary: SubjectSummary | null;
  state: SubjectState | null;
}

export interface VerifyOptions {
  topic: string;
  /** The live projector's consumer group: its checkpoints say how far the stored views go. */
  group: string;
  /** Prefix of the reader's own consumer group. */
  groupPrefix: string;
  sessionTimeout?: number;
  /** Differences listed in the report (all are counted). @defaultValue 1000 */
  maxDifferences?: number;
  onProgress?: (read: number, total: number) => void;
}

export interface VerifyReport {
  ok: boolean;
  topic: string;
  /** Per partition, the first offset not covered: the projector's checkpoints when the views were read. */
  until: Record<string, string>;
  subjects: number;
  events: number;
  differenceCount: number;
  differences: Difference[];
  durationMs: number;
}

/**
 * Replays the whole log in memory and compares it with the stored view rows (columns and
 * summaries), event index, negotiation links and snapshots (the states reads start from). Rows,
 * checkpoints, index, links and the list of snapshots are read in one REPEATABLE READ
 * snapshot, and the log is replayed up to exactly those checkpoints, so a projector running
 * meanwhile causes no false differences.
 */
export async function verifyViews(db: DataSource, kafka: KafkaClient, opts: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  await assertLogAccepted(db, opts.group, opts.topic);
  const stored = await readStored(db, opts.group, opts.topic);
  // Partitions without a checkpoint have not been projected at all: replay nothing of them.
  const until = new Map([...(await fetchEndOffsets(kafka, opts.topic)).keys()].map((p) => [p, stored.checkpoints.get(p) ?? '0']));
  const capture = new Map<string, Set<number>>();
  for (const s of stored.snapshots) (capture.get(s.subject) ?? capture.set(s.subject, new Set()).get(s.subject)!).add(s.event_count);
  const log = await replayLog(kafka, opts.topic, {
    until,
    groupPrefix: opts.groupPrefix,
    sessionTimeout: opts.sessionTimeout,
    onProgress: opts.onProgress,
    capture,
  });
  const summaries = new Map([...log.states].map(([subject, state]) => [subject, summarize(state)]));
  const snapshotDifferences: Difference[] = [];
  for (const subject of capture.keys()) {
    // One subject at a time, so only its snapshots are held; they never change once written.
    const states: { event_count: number; state: unknown }[] = await db.query(
      `SELECT event_count, state FROM snapshots WHERE subject = $1 AND event_count = ANY($2::int[]) ORDER BY event_count`,
      [subject, [...capture.get(subject)!]],
    );
    snapshotDifferences.push(...compareSnapshots(subject, states, log.captured.get(subject) ?? new Map()));
  }
  const all = [...compareWithLog(stored, { ...log, summaries }), ...snapshotDifferences].sort((a, b) =>
    a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0,
  );
  const max = opts.maxDifferences ?? 1000;
  return {
    ok: all.length === 0,
    topic: opts.topic,
    until: Object.fromEntries([...log.until].map(([p, o]) => [String(p), o])),
    subjects: summaries.size,
    events: log.events.size,
    differenceCount: all.length,
    differences: all.slice(0, max),
    durationMs: Date.now() - started,
  };
}

/** What is stored, read in one snapshot. */
export interface StoredProjection {
  /** The projector's checkpoints; partitions it never stored start at 0. */
  checkpoints: Map<number, string>;
  views: StoredViewRow[];
  events: { event_id: string; subject: string; partition: number; offset: string; retracted_by: string | null }[];
  links: { event_id: string; negotiation: string; exchange: string }[];
  /** The snapshots reads start from, without their states. */
  snapshots: { subject: string; event_count: number }[];
}

async function readStored(db: DataSource, group: string, topic: string): Promise<StoredProjection> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction('REPEATABLE READ');
    const checkpoints: { partition: number; next_offset: string }[] = await runner.query(
      `SELECT partition, next_offset FROM projector_offsets WHERE consumer_group = $1 AND topic = $2`,
      [group, topic],
    );
    const views: StoredViewRow[] = await runner.query(
      `SELECT subject, kind, status, reported_status, level, disputed, parties, search, event_count, last_recorded_at, summary, state FROM views`,
    );
    const events: StoredProjection['events'] = await runner.query(`SELECT event_id, subject, partition, "offset", retracted_by FROM events`);
    const links: StoredProjection['links'] = await runner.query(`SELECT event_id, negotiation, exchange FROM negotiation_exchanges`);
    const snapshots: StoredProjection['snapshots'] = await runner.query(`SELECT subject, event_count FROM snapshots`);
    await runner.commitTransaction();
    return { checkpoints: new Map(checkpoints.map((c) => [c.partition, String(c.next_offset)])), views, events, links, snapshots };
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await runner.release();
  }
}

/** The columns the projector derives from a summary (see `projectBatch`). */
function rowOf(summary: SubjectSummary) {
  const c = summaryColumns(summary);
  return {
    kind: c.kind,
    status: c.status,
    reported_status: c.reportedStatus,
    level: c.level,
    disputed: c.disputed,
    parties: c.parties,
    search: c.search,
    event_count: c.eventCount,
    last_recorded_at: c.lastRecordedAt === null ? null : new Date(c.lastRecordedAt).toISOString(),
  };
}

function brief(summary: SubjectSummary) {
  return { eventCount: summary.eventCount, status: summaryColumns(summary).status };
}

/** The summary a stored row holds, or why it cannot be read. */
function storedSummary(row: StoredViewRow): SubjectSummary | Error {
  try {
    const held = row.summary ?? row.state;
    if (!held) return new Error('neither a summary nor a state');
    const summary = asSummary(held);
    summaryColumns(summary);
    return summary;
  } catch (e) {
    return e as Error;
  }
}

/**
 * Every difference between a subject's stored snapshots and the states the replay reached at the
 * same event counts (`snapshots[<count>].<path>`); a snapshot the replay never reached is one
 * difference with `replayed: null`.
 */
export function compareSnapshots(
  subject: string,
  stored: readonly { event_count: number; state: unknown }[],
  replayed: ReadonlyMap<number, SubjectState>,
): Difference[] {
  const out: Difference[] = [];
  for (const s of stored) {
    const field = `snapshots[${s.event_count}]`;
    const state = replayed.get(s.event_count);
    if (!state) out.push({ subject, field, stored: { eventCount: s.event_count }, replayed: null });
    else diffValues(subject, field, s.state, JSON.parse(JSON.stringify(state)), out);
  }
  return out;
}

/**
 * Every difference between what is stored and the replayed log, sorted by subject: each view
 * row's columns and summary against the summary of the replayed state, the event index, and the
 * negotiation links.
 */
export function compareWithLog(
  stored: Omit<StoredProjection, 'checkpoints' | 'snapshots'>,
  log: Pick<ReplayedLog, 'events' | 'links'> & { summaries: ReadonlyMap<string, SubjectSummary> },
): Difference[] {
  const bySubject = new Map<string, Difference[]>();
  const add = (d: Difference) => (bySubject.get(d.subject) ?? bySubject.set(d.subject, []).get(d.subject)!).push(d);

  const storedViews = new Map(stored.views.map((r) => [r.subject, r]));
  for (const subject of new Set([...storedViews.keys(), ...log.summaries.keys()])) {
    const row = storedViews.get(subject);
    const replayed = log.summaries.get(subject);
    const held = row ? storedSummary(row) : undefined;
    if (!row || !replayed) {
      add({ subject, field: 'view', stored: held && !(held instanceof Error) ? brief(held) : row ? 'unreadable' : null, replayed: replayed ? brief(replayed) : null });
      continue;
    }
    const storedRow = {
      kind: row.kind,
      status: row.status,
      reported_status: row.reported_status,
      level: row.level,
      disputed: row.disputed,
      parties: row.parties,
      search: row.search,
      event_count: row.event_count,
      last_recorded_at: row.last_recorded_at.toISOString(),
    };
    for (const d of diffValues(subject, 'row', storedRow, rowOf(replayed))) add(d);
    if (held instanceof Error) {
      add({ subject, field: 'summary', stored: `unreadable: ${held.message}`, replayed: 'a valid summary' });
      continue;
    }
    for (const d of diffValues(subject, 'summary', held, replayed)) add(d);
  }

  const storedEvents = new Map(stored.events.map((e) => [e.event_id, e]));
  for (const id of new Set([...storedEvents.keys(), ...log.events.keys()])) {
    const s = storedEvents.get(id);
    const r = log.events.get(id);
    const subject = s?.subject ?? r!.subject;
    const field = `events[${id}]`;
    if (!s || !r) {
      add({ subject, field, stored: s ? { partition: s.partition, offset: String(s.offset) } : null, replayed: r ? { partition: r.partition, offset: r.offset } : null });
      continue;
    }
    const asStored = { subject: s.subject, partition: s.partition, offset: String(s.offset), retractedBy: s.retracted_by };
    const asReplayed = { subject: r.subject, partition: r.partition, offset: r.offset, retractedBy: r.retractedBy };
    for (const d of diffValues(subject, field, asStored, asReplayed)) add(d);
  }

  const storedLinks = new Map(stored.links.map((l) => [l.event_id, l]));
  for (const id of new Set([...storedLinks.keys(), ...log.links.keys()])) {
    const s = storedLinks.get(id);
    const r = log.links.get(id);
    const negotiation = s?.negotiation ?? r!.negotiation;
    const field = `exchanges[${id}]`;
    if (s?.negotiation !== r?.negotiation || s?.exchange !== r?.exchange) {
      add({ subject: negotiation, field, stored: s ? s.exchange : null, replayed: r ? r.exchange : null });
    }
  }

  return [...bySubject.keys()].sort().flatMap((s) => bySubject.get(s)!);
}
