import type { ListOptions, NewsledgerClient, Page } from '@newsledger/client';
import { CORROBORATION_LEVELS, EXCHANGE_STATUSES, NEGOTIATION_STATUSES, type ExchangeView, type NegotiationView, type SubjectKind } from '@newsledger/domain';
import { Command, InvalidArgumentError } from 'commander';
import { ApiOptions, clientFor, withApiOptions } from '../api.connections';
import { CommandFailed } from '../audit.connections';
import { NO_STYLE, Style, styleFor } from '../terminal.style';
import { badgeWords, statusWord } from '@newsledger/client';

interface ListCommandOptions extends ApiOptions {
  status?: string[];
  party?: string[];
  disputed?: boolean;
  level?: string[];
  q?: string;
  limit?: number;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

const COLLECTIONS = { exchanges: 'exchange', negotiations: 'negotiation' } as const satisfies Record<string, SubjectKind>;
type Collection = keyof typeof COLLECTIONS;

/** One page (or with --all, every match) of each kind listed. */
export type Listing = { exchanges?: Page<ExchangeView>; negotiations?: Page<NegotiationView> };

function oneOf<T extends string>(allowed: readonly T[], what: string) {
  return (value: string, previous: T[] = []): T[] => {
    const values = value.split(',').map((v) => v.trim()).filter(Boolean);
    for (const v of values) if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`"${v}" is not ${what}; use ${allowed.join(', ')}`);
    return [...previous, ...(values as T[])];
  };
}

function partyArg(value: string, previous: string[] = []): string[] {
  const values = value.split(',').map((v) => v.trim()).filter(Boolean);
  for (const v of values) if (!/^[A-Za-z]{2}$/.test(v)) throw new InvalidArgumentError(`"${v}" is not an ISO 3166 alpha-2 code such as UA`);
  return [...previous, ...values.map((v) => v.toUpperCase())];
}

function limitArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 500) throw new InvalidArgumentError('a whole number from 1 to 500');
  return n;
}

function collectionArg(value: string): Collection {
  if (value !== 'exchanges' && value !== 'negotiations') throw new InvalidArgumentError('exchanges or negotiations (leave it out for both)');
  return value;
}

/**
 * The kinds a listing covers: the one named, else those the filters can match. A status belongs to
 * one kind, and disputes and corroboration levels exist only on exchanges, so `list --status
 * agreed` means exchanges; a filter no kind could match is a usage error, not an empty list.
 */
export function collectionsFor(named: Collection | undefined, o: Pick<ListCommandOptions, 'status' | 'disputed' | 'level' | 'cursor'>): Collection[] {
  const statuses = o.status ?? [];
  const exchangeOnly = statuses.some((s) => (EXCHANGE_STATUSES as readonly string[]).includes(s)) || o.disputed !== undefined || (o.level ?? []).length > 0;
  const negotiationOnly = statuses.some((s) => (NEGOTIATION_STATUSES as readonly string[]).includes(s));
  if (exchangeOnly && negotiationOnly) {
    throw new CommandFailed('those filters match no single kind: exchange statuses, --disputed and --level are for exchanges, the others for negotiations; list each kind apart', 2);
  }
  const fits: Collection[] = exchangeOnly ? ['exchanges'] : negotiationOnly ? ['negotiations'] : ['exchanges', 'negotiations'];
  if (named && !fits.includes(named)) throw new CommandFailed(`those filters are for ${fits.join(' and ')}, not ${named}`, 2);
  const kinds = named ? [named] : fits;
  if (o.cursor !== undefined && kinds.length > 1) throw new CommandFailed('--cursor continues one kind: name it (newsledger list exchanges --cursor …), as the end of a page prints', 2);
  return kinds;
}

/** The API's query for these options. */
export function listQuery(o: ListCommandOptions): ListOptions {
  const q: ListOptions = {};
  if (o.status?.length) q.status = o.status.join(',');
  if (o.party?.length) q.party = o.party.join(',');
  if (o.disputed !== undefined) q.disputed = o.disputed;
  if (o.level?.length) q.level = o.level.join(',');
  if (o.q !== undefined && o.q.trim() !== '') q.q = o.q;
  q.limit = o.limit ?? 20;
  if (o.cursor !== undefined) q.cursor = o.cursor;
  return q;
}

async function fetchPage(client: NewsledgerClient, kind: SubjectKind, query: ListOptions, all: boolean): Promise<Page<ExchangeView | NegotiationView>> {
  if (!all) return client.list(kind as 'exchange', query);
  const items: (ExchangeView | NegotiationView)[] = [];
  const { cursor: _cursor, ...rest } = query;
  for await (const v of client.listAll(kind as 'exchange', { ...rest, limit: 500 })) items.push(v);
  return { items, nextCursor: null };
}

const figures = (r: Record<string, number>) => Object.entries(r).map(([p, n]) => `${p} ${n}`).join(', ');

/** The status of an exchange as a reader would say it: the confirmed one with how sure, then what is only reported beyond it. */
function exchangeStatus(v: ExchangeView): string {
  if (v.status === null) return v.reportedStatus ? badgeWords(v.reportedStatus, 'reported', v.corroboration[v.reportedStatus], v.parties) : '—';
  const confirmed = badgeWords(v.status, 'confirmed', v.corroboration[v.status], v.parties);
  return v.reportedStatus && v.reportedStatus !== v.status ? `${confirmed} (${statusWord(v.reportedStatus).toLowerCase()} only claimed)` : confirmed;
}

function exchangeRow(v: ExchangeView): string[] {
  const released = figures(v.released);
  return [v.subject, exchangeStatus(v), `${released || '—'}${v.disputes.length ? ' (disputed)' : ''}`, v.lastRecordedAt ?? '—', v.title ?? ''];
}

function negotiationRow(v: NegotiationView): string[] {
  const held = v.rounds.filter((r) => r.state === 'held').length;
  return [v.subject, statusWord(v.status), v.parties.join(', ') || '—', `${held} held of ${v.rounds.length}`, v.lastRecordedAt ?? '—', v.title ?? ''];
}

/** At a terminal, the columns given up first when a table is too wide, and how narrow each may get. */
const SHRINK: Record<string, number> = { TITLE: 24, UPDATED: 10, STATUS: 36, RELEASED: 14, PARTIES: 10, ROUNDS: 10 };

/**
 * Rows under a header, columns padded to their widest cell. At a terminal (`width`), the headline
 * gives way first, then the time, then the status, each cut with "…", so the table does not wrap.
 */
function table(header: string[], rows: string[][], style: Style, width?: number): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  if (width !== undefined) {
    const over = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1) - width;
    for (const [name, least] of Object.entries(SHRINK)) {
      const i = header.indexOf(name);
      if (i >= 0 && over() > 0) widths[i] = Math.max(least, widths[i] - over());
    }
  }
  const cut = (c: string, w: number) => (c.length > w ? `${c.slice(0, Math.max(w - 1, 0))}…` : c);
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? cut(c, widths[i]) : cut(c, widths[i]).padEnd(widths[i]))).join('  ').trimEnd();
  const fit = (text: string) => (width !== undefined && text.length > width ? `${text.slice(0, Math.max(width - 1, 0))}…` : text);
  return [style.bold(fit(line(header))), ...rows.map((r) => fit(line(r)))];
}

/** The command that shows the next page: the same filters, the page's cursor. */
function nextCommand(collection: Collection, o: ListCommandOptions, cursor: string): string {
  const shell = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const args = ['newsledger', 'list', collection];
  if (o.status?.length) args.push('--status', o.status.join(','));
  if (o.party?.length) args.push('--party', o.party.join(','));
  if (o.disputed === true) args.push('--disputed');
  if (o.disputed === false) args.push('--no-disputed');
  if (o.level?.length) args.push('--level', o.level.join(','));
  if (o.q !== undefined && o.q.trim() !== '') args.push('--q', o.q);
  if (o.limit !== undefined) args.push('--limit', String(o.limit));
  args.push('--cursor', cursor);
  return args.map(shell).join(' ');
}

/** Each kind listed as a table with a count, and where the next page is when there is one. */
export function formatListing(listing: Listing, o: ListCommandOptions = {}, style: Style = NO_STYLE, width?: number): string {
  const lines: string[] = [];
  for (const collection of ['exchanges', 'negotiations'] as const) {
    const page = listing[collection];
    if (!page) continue;
    if (lines.length) lines.push('');
    const n = page.items.length;
    if (n === 0) {
      lines.push(`no ${collection} match`);
      continue;
    }
    const label = n === 1 ? collection.slice(0, -1) : collection;
    lines.push(style.dim(`${n} ${label}${page.nextCursor ? ', more after these' : ''}, most recently updated first`));
    if (collection === 'exchanges') {
      lines.push(...table(['SUBJECT', 'STATUS', 'RELEASED', 'UPDATED', 'TITLE'], (page.items as ExchangeView[]).map(exchangeRow), style, width));
    } else {
      lines.push(...table(['SUBJECT', 'STATUS', 'PARTIES', 'ROUNDS', 'UPDATED', 'TITLE'], (page.items as NegotiationView[]).map(negotiationRow), style, width));
    }
    if (page.nextCursor) lines.push(style.dim(`more: ${nextCommand(collection, o, page.nextCursor)}`));
  }
  return `${lines.join('\n')}\n`;
}

/** `newsledger list [exchanges|negotiations]`: find stories by status, party, dispute, level or text. */
export function registerListCommand(program: Command): void {
  const command = program
    .command('list')
    .description('list exchanges and negotiations, most recently updated first: find a story by its headline, status, party')
    .argument('[kind]', 'exchanges or negotiations (default: both, or the kind the filters are for)', collectionArg)
    .option('--status <status>', `a status, or several comma-separated or repeated: ${EXCHANGE_STATUSES.join(', ')} (exchanges); ${NEGOTIATION_STATUSES.join(', ')} (negotiations)`, oneOf([...EXCHANGE_STATUSES, ...NEGOTIATION_STATUSES], 'a status'))
    .option('--party <code>', 'subjects naming this ISO code (UA), or any of several comma-separated or repeated', partyArg)
    .option('--disputed', 'only exchanges with a disputed figure')
    .option('--no-disputed', 'only exchanges without one')
    .option('--level <level>', `exchanges whose reported stage has this corroboration level: ${CORROBORATION_LEVELS.join(', ')}`, oneOf(CORROBORATION_LEVELS, 'a corroboration level'))
    .option('--q <text>', 'text in the headline, id, parties, sources, mediators or venues (any case)')
    .option('-n, --limit <n>', 'how many of each kind per page, 1 to 500 (default 20)', limitArg)
    .option('--cursor <cursor>', 'the page after this one, as printed at the end of a page (with the kind)')
    .option('--all', 'every match, page after page, instead of one page')
    .option('--json', 'print {"exchanges": {items, nextCursor}, "negotiations": {…}} as the API answers each list');
  withApiOptions(command, 'query')
    .addHelpText(
      'after',
      `
Exit codes: 0 listed (also when nothing matches); 2 usage error, or the query API unreachable or
refusing the key.

Examples:
  $ npx newsledger list --q swap
  $ npx newsledger list exchanges --status underway,completed --party RU
  $ npx newsledger list --disputed
  $ npx newsledger list negotiations --json | jq -r '.negotiations.items[].subject'
  $ npx newsledger list exchanges --all --json | jq '.exchanges.items | length'`,
    )
    .action(async (named: Collection | undefined, o: ListCommandOptions) => {
      const collections = collectionsFor(named, o);
      const client = clientFor('query', o);
      const query = listQuery(o);
      const listing: Listing = {};
      for (const c of collections) (listing as Record<string, unknown>)[c] = await fetchPage(client, COLLECTIONS[c], query, o.all === true);
      if (o.json) return void process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
      const width = process.stdout.isTTY ? process.stdout.columns : undefined;
      process.stdout.write(formatListing(listing, o, styleFor(process.stdout), width));
    });
}
