import { asSummary } from '@newsledger/domain';
import { QueryRunner } from 'typeorm';
import { Difference } from '../verify/difference';
import { compareWithLog, StoredViewRow } from '../verify/views.verify';
import { Generations } from './generation.tables';

/** What the comparison of the live generation with the new one found. */
export interface GenerationComparison {
  /** Subjects whose view row differs (or exists on one side only). */
  views: number;
  /** Event index rows that differ. */
  events: number;
  /** Negotiation links that differ. */
  links: number;
  /** Field-level differences of the first few (stored = live, replayed = new). */
  samples: Difference[];
}

/** Old (live) against new, inside the switch transaction where neither can move. */
export async function compareGenerations(runner: QueryRunner, g: Generations): Promise<GenerationComparison> {
  const [live, next] = [g.live('views'), g.next('views')];
  const viewRows: { subject: string }[] = await runner.query(
    `SELECT coalesce(a.subject, b.subject) AS subject FROM ${live} a FULL JOIN ${next} b ON a.subject = b.subject
     WHERE a.subject IS NULL OR b.subject IS NULL
        OR (a.kind, a.status, a.reported_status, a.level, a.disputed, a.parties, a.search, a.event_count, a.last_recorded_at)
           IS DISTINCT FROM (b.kind, b.status, b.reported_status, b.level, b.disputed, b.parties, b.search, b.event_count, b.last_recorded_at)
        -- a live row written before summaries holds a full state; its columns are compared above
        OR (a.summary IS NOT NULL AND a.summary IS DISTINCT FROM b.summary)
     ORDER BY 1`,
  );
  const eventRows: { event_id: string; subject: string; live: unknown; next: unknown }[] = await runner.query(
    `SELECT coalesce(a.event_id, b.event_id) AS event_id, coalesce(a.subject, b.subject) AS subject,
            CASE WHEN a.event_id IS NULL THEN NULL ELSE json_build_object('partition', a.partition, 'offset', a."offset"::text, 'retractedBy', a.retracted_by) END AS live,
            CASE WHEN b.event_id IS NULL THEN NULL ELSE json_build_object('partition', b.partition, 'offset', b."offset"::text, 'retractedBy', b.retracted_by) END AS next
     FROM ${g.live('events')} a FULL JOIN ${g.next('events')} b ON a.event_id = b.event_id
     WHERE a.event_id IS NULL OR b.event_id IS NULL
        OR (a.subject, a.partition, a."offset", a.retracted_by) IS DISTINCT FROM (b.subject, b.partition, b."offset", b.retracted_by)
     ORDER BY 2, 1`,
  );
  const linkRows: { event_id: string; negotiation: string; live: string | null; next: string | null }[] = await runner.query(
    `SELECT coalesce(a.event_id, b.event_id) AS event_id, coalesce(a.negotiation, b.negotiation) AS negotiation,
            a.exchange AS live, b.exchange AS next
     FROM ${g.live('negotiation_exchanges')} a FULL JOIN ${g.next('negotiation_exchanges')} b ON a.event_id = b.event_id
     WHERE a.event_id IS NULL OR b.event_id IS NULL OR (a.negotiation, a.exchange) IS DISTINCT FROM (b.negotiation, b.exchange)
     ORDER BY 2, 1`,
  );
  const samples = await sampleViewDifferences(runner, live, next, viewRows.slice(0, 10).map((r) => r.subject));
  for (const r of eventRows.slice(0, 20)) samples.push({ subject: r.subject, field: `events[${r.event_id}]`, stored: r.live, replayed: r.next });
  for (const r of linkRows.slice(0, 20)) samples.push({ subject: r.negotiation, field: `exchanges[${r.event_id}]`, stored: r.live, replayed: r.next });
  return { views: viewRows.length, events: eventRows.length, links: linkRows.length, samples };
}

/** Field by field, the differences of a few subjects' view rows, as verify words them. */
async function sampleViewDifferences(runner: QueryRunner, live: string, next: string, subjects: string[]): Promise<Difference[]> {
  if (subjects.length === 0) return [];
  const select = (t: string) =>
    runner.query(`SELECT subject, kind, status, reported_status, level, disputed, parties, search, event_count, last_recorded_at, summary, state FROM ${t} WHERE subject = ANY($1::text[])`, [
      subjects,
    ]) as Promise<StoredViewRow[]>;
  const oldRows = await select(live);
  const newRows = await select(next);
  return compareWithLog({ views: oldRows, events: [], links: [] }, {
    summaries: new Map(newRows.map((r) => [r.subject, asSummary((r.summary ?? r.state)!)])),
    events: new Map(),
    links: new Map(),
  }).slice(0, 100);
}
