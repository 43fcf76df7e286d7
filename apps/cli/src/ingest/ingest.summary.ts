import type { BatchLineResult } from '@newsledger/client';
import { Style } from '../terminal.style';

/** A line of the input that was not recorded, by its line number in the file. */
export interface IngestProblem {
  line: number;
  /** `rejected`: fix the line; `failed`: the log did not take it, send it again. */
  status: 'rejected' | 'failed';
  error: string;
  message: string;
  details?: { path: string; message: string }[];
}

/** What `newsledger ingest` did with a file. */
export interface IngestSummary {
  file: string;
  /** Non-blank lines read. */
  reports: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failed: number;
  /** Set when sending stopped early: why, and the first line not sent. */
  stopped?: { error: string; message: string; fromLine: number };
  problems: IngestProblem[];
}

export function emptySummary(file: string): IngestSummary {
  return { file, reports: 0, accepted: 0, duplicates: 0, rejected: 0, failed: 0, problems: [] };
}

/** Adds the outcome of one line (its number in the file, the result the API gave it). */
export function count(summary: IngestSummary, line: number, r: BatchLineResult): void {
  if (!('error' in r)) {
    if (r.status === 'accepted') summary.accepted += 1;
    else summary.duplicates += 1;
  } else {
    summary[r.status] += 1;
    summary.problems.push({ line, status: r.status, error: r.error, message: r.message, ...(r.details?.length ? { details: r.details } : {}) });
  }
}

/** `1 line`, `2 lines`. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The summary for a person: totals, then each line not recorded with its reason. */
export function formatSummary(s: IngestSummary, style: Style): string {
  const parts = [
    style.green(`${s.accepted} accepted`),
    `${plural(s.duplicates, 'duplicate')} (already recorded)`,
    (s.rejected ? style.red : (t: string) => t)(`${s.rejected} rejected`),
    ...(s.failed ? [style.red(`${s.failed} not recorded (log unavailable; run again)`)] : []),
  ];
  const lines = [`${s.file}: ${plural(s.reports, 'report')} read: ${parts.join(', ')}`];
  for (const p of [...s.problems].sort((a, b) => a.line - b.line)) {
    lines.push(`${style.bold(`line ${p.line}`)}: ${p.status === 'failed' ? 'not recorded, ' : ''}${style.red(p.error)}: ${p.message}`);
    for (const d of p.details ?? []) lines.push(`  ${d.path ? `${d.path}: ` : ''}${d.message}`);
  }
  if (s.stopped) lines.push(style.red(`stopped: lines from ${s.stopped.fromLine} on are not known to be recorded: ${s.stopped.error}: ${s.stopped.message}`));
  return `${lines.join('\n')}\n`;
}
