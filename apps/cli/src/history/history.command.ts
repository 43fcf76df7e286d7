import type { History, HistoryEntry } from '@newsledger/client';
import { Command, InvalidArgumentError } from 'commander';
import { ApiOptions, clientFor, subjectArg, withApiOptions } from '../api.connections';
import { CommandFailed } from '../audit.connections';
import { confirmationStyle, NO_STYLE, Style, styleFor } from '../terminal.style';

interface HistoryOptions extends ApiOptions {
  json?: boolean;
  limit?: number;
  cursor?: string;
}

/** The page size when the CLI follows a history to its end. */
const PAGE_SIZE = 500;

function limitArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1000) throw new InvalidArgumentError('a whole number from 1 to 1000');
  return n;
}

const figures = (r: Record<string, unknown>) =>
  Object.entries(r)
    .map(([party, n]) => `${party} ${String(n)}`)
    .join(', ');

/** Text on one line, cut short: a quote or an outcome can run to 2,000 characters. */
const short = (text: string, max = 100) => {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/**
 * What a report says, on one line: its figures first ("phase 1: UA 390, RU 390"), then its other
 * fields by name. A retraction says what it withdraws and why.
 */
export function whatItSays(e: Pick<HistoryEntry, 'type' | 'data'>): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  if (e.type === 'report.retracted') return `withdraws ${String(d.eventId)}: “${short(String(d.reason ?? ''))}”`;
  const parts: string[] = [];
  if (typeof d.phase === 'number') parts.push(`phase ${d.phase}${d.releasedBy ? `: ${figures(d.releasedBy as Record<string, unknown>)}` : ''}`);
  else if (d.releasedBy && typeof d.releasedBy === 'object') parts.push(`released ${figures(d.releasedBy as Record<string, unknown>)}`);
  for (const [key, value] of Object.entries(d)) {
    if (key === 'phase' || key === 'releasedBy' || value === undefined || value === null) continue;
    if (Array.isArray(value)) parts.push(`${key} ${value.map(String).join(', ')}`);
    else if (typeof value === 'string') parts.push(`${key} ${value.length > 40 || /\s/.test(value) ? `“${short(value)}”` : value}`);
    else if (typeof value === 'object') parts.push(`${key} ${short(JSON.stringify(value))}`);
    else parts.push(`${key} ${String(value)}`);
  }
  return parts.join('; ');
}

/** A source as history prints it: name, who spoke, through whom, and what kind of source it is. */
function sourceOf(s: HistoryEntry['source']): string {
  const speaker = s.speaker && s.speaker !== s.name ? `, speaker ${s.speaker}` : '';
  const via = s.via ? ` via ${s.via}` : '';
  return `${s.name}${via} (${s.kind}${s.party ? ` ${s.party}` : ''}${speaker})`;
}

/**
 * Every event, in log order: where and when it was recorded, its type, how sure the desk was,
 * who said it and who filed it; under it what it says (figures first), when it happened, the
 * desk's note, and for a withdrawn report who withdrew it and why.
 */
export function formatHistory(h: Pick<History, 'subject' | 'events'>, style: Style = NO_STYLE): string {
  const lines = [`${style.bold(h.subject)}: ${h.events.length} event${h.events.length === 1 ? '' : 's'}`];
  const typeWidth = Math.max(...h.events.map((e) => e.type.length));
  for (const e of h.events) {
    const cells = [
      style.dim(`${e.position.partition}:${e.position.offset}`),
      e.recordedAt,
      e.type.padEnd(typeWidth),
      confirmationStyle(style, e.confirmation)(e.confirmation.padEnd(11)),
      sourceOf(e.source),
      style.dim(`by ${e.ingestor}`),
      e.eventId,
    ];
    const line = cells.join('  ');
    lines.push(e.retracted ? style.dim(line) : line);
    const says = whatItSays(e);
    if (says) lines.push(`    ${says}`);
    if (e.occurredAt) lines.push(style.dim(`    occurred ${e.occurredAt}`));
    if (e.note) lines.push(style.dim(`    note “${short(e.note, 200)}”`));
    if (e.retracted) {
      const { retraction } = e;
      const reason = retraction ? `: “${short(retraction.reason, 200)}”` : '';
      lines.push(style.red(`    retracted by ${e.retractedBy ?? 'a later report'}${retraction ? ` (${retraction.source.name})` : ''}${reason}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `newsledger history <subject>`: every event of a subject in log order. */
export function registerHistoryCommand(program: Command): void {
  const command = program
    .command('history')
    .description('list every event of an exchange or negotiation in log order, retracted ones marked with the reason')
    .argument('<subject>', 'exchange/<id> or negotiation/<id>', subjectArg)
    .option('-n, --limit <n>', 'one page of this many events, 1 to 1000 (default: every event, fetched page by page)', limitArg)
    .option('--cursor <cursor>', 'the page after this one (as printed at the end of a page; with --limit)')
    .option('--json', 'print the history as the API answers it: {subject, events: [...], nextCursor}');
  withApiOptions(command, 'query')
    .addHelpText(
      'after',
      `
Exit codes: 0 listed; 2 usage error, nothing recorded about the subject, or the query API
unreachable or refusing the key.

Examples:
  $ npx newsledger history exchange/ua-ru-2025-05-1000
  $ npx newsledger history exchange/ua-ru-2025-05-1000 --limit 20
  $ npx newsledger history exchange/ua-ru-2025-05-1000 --json | jq '.events[] | {type, confirmation, ingestor}'`,
    )
    .action(async (subject: ReturnType<typeof subjectArg>, o: HistoryOptions) => {
      if (o.cursor !== undefined && o.limit === undefined) throw new CommandFailed('--cursor pages with --limit: give both (the end of a page prints the command for the next)', 2);
      const client = clientFor('query', o);
      let history: History;
      if (o.limit !== undefined) {
        history = await client.history(subject, { limit: o.limit, cursor: o.cursor });
      } else {
        const events: HistoryEntry[] = [];
        for await (const e of client.historyAll(subject, { pageSize: PAGE_SIZE })) events.push(e);
        history = { subject, events, nextCursor: null };
      }
      if (o.json) return void process.stdout.write(`${JSON.stringify(history, null, 2)}\n`);
      const style = styleFor(process.stdout);
      process.stdout.write(formatHistory(history, style));
      if (history.nextCursor !== null) process.stdout.write(style.dim(`more: newsledger history ${subject} --limit ${o.limit} --cursor ${history.nextCursor}\n`));
    });
}
