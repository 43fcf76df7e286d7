import type { ExchangeViewResponse, NegotiationViewResponse, ViewResponse } from '@newsledger/client';
import { isReportedTime, type Source } from '@newsledger/domain';
import { Command, InvalidArgumentError } from 'commander';
import { ApiOptions, clientFor, subjectArg, withApiOptions } from '../api.connections';
import { confirmationStyle, NO_STYLE, Style, styleFor } from '../terminal.style';
import { instantArg } from '../instant.argument';

interface ShowOptions extends ApiOptions {
  asOf?: string;
  validAt?: string;
  json?: boolean;
}

function validAtArg(value: string): string {
  if (!isReportedTime(value)) throw new InvalidArgumentError('a date at its own precision (2025, 2025-05, 2025-05-23) or an instant with offset');
  return value;
}

const none = '—';
const source = (s: Source) =>
  `${s.name}${s.speaker && s.speaker !== s.name ? ` (${s.speaker})` : ''}${s.via ? ` via ${s.via}` : ''}, ${s.kind}${s.party ? ` ${s.party}` : ''}`;
const ladderSource = (s: { name: string; kind: string; party?: string }) => `${s.name} (${s.kind}${s.party ? ` ${s.party}` : ''})`;
const counts = (r: Record<string, number>) => (Object.keys(r).length ? Object.entries(r).map(([p, n]) => `${p} ${n}`).join(', ') : none);

function rows(pairs: [string, string][], style: Style): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${style.dim(k.padEnd(width))}  ${v}`);
}

function exchangeLines(v: ExchangeViewResponse, style: Style): string[] {
  const fact = <T>(f: { value: T; confirmation: string } | null, show: (x: T) => string = String) =>
    f ? `${show(f.value)} ${confirmationStyle(style, f.confirmation)(`(${f.confirmation})`)}` : none;
  const lines = rows(
    [
      ['status', `${v.status ? style.bold(v.status) : none} ${style.dim('(confirmed reports)')}`],
      ['reported', `${v.reportedStatus ?? none} ${style.dim('(every report not denied)')}`],
      ['parties', v.parties.join(', ') || none],
      ['agreed', v.agreed ? `${counts(v.agreed.releasedBy)} (${v.agreed.stage}, ${v.agreed.confirmation})` : none],
      ['released', `${counts(v.released)}${v.disputes.length ? ` ${style.bold('(disputed: the lowest figure shown)')}` : ''}`],
      ['location', fact(v.location)],
      ['mediators', fact(v.mediators, (m) => m.join(', '))],
      ['expected days', fact(v.expectedDays)],
      ['negotiation', v.negotiation ?? none],
    ],
    style,
  );
  const stages = Object.entries(v.corroboration);
  if (stages.length) lines.push(`corroboration ${style.dim('(who said so, whatever the desks flagged)')}`);
  for (const [stage, c] of stages) {
    const denied = c.deniedBy.length ? `; denied by ${c.deniedBy.map(ladderSource).join(', ')}` : '';
    lines.push(`  ${stage.padEnd(10)} ${(c.level ?? 'only denied').padEnd(13)} ${c.sources.map(ladderSource).join(', ')}${denied}`);
  }
  if (v.disputes.length) lines.push('disputes');
  for (const d of v.disputes) {
    lines.push(`  ${d.fact}: shown ${d.shown}; ${d.values.map((x) => `${x.value} by ${x.sources.map(ladderSource).join(', ')}`).join(' vs ')}`);
  }
  if (v.claims.length) lines.push('claims');
  for (const c of v.claims) {
    const what = c.phase === undefined ? c.status : `${c.status} (phase ${c.phase})`;
    lines.push(`  ${what.padEnd(10)} ${confirmationStyle(style, c.confirmation)(c.confirmation.padEnd(11))} ${source(c.source)}  ${style.dim(c.eventId)}`);
  }
  return lines;
}

function negotiationLines(v: NegotiationViewResponse, style: Style): string[] {
  const lines = rows(
    [
      ['status', style.bold(v.status)],
      ['parties', v.parties.join(', ') || none],
      ['ceasefire', v.ceasefire ? `${v.ceasefire.status} ${confirmationStyle(style, v.ceasefire.confirmation)(`(${v.ceasefire.confirmation})`)}` : none],
      ['exchanges', v.exchanges.join(', ') || none],
    ],
    style,
  );
  if (v.rounds.length) lines.push('rounds');
  for (const r of v.rounds) {
    const facts = [r.date ?? r.scheduledFor, r.venue, r.outcome].filter(Boolean).join(' · ');
    lines.push(`  ${String(r.round).padStart(2)}  ${r.state.padEnd(9)} ${confirmationStyle(style, r.confirmation)(`(${r.confirmation})`)} ${facts}`.trimEnd());
    if (r.agenda?.length) lines.push('      agenda', ...r.agenda.map((item) => `        · ${item}`));
  }
  if (v.mediation.length) lines.push('mediation');
  for (const m of v.mediation) {
    const who = (list: { by: string; confirmation: string }[]) => list.map((x) => `${x.by} ${confirmationStyle(style, x.confirmation)(`(${x.confirmation})`)}`).join(', ');
    const parts = [`proposed by ${who(m.proposedBy) || none}`, ...(m.endorsedBy.length ? [`endorsed by ${who(m.endorsedBy)}`] : []), ...(m.rejectedBy.length ? [`rejected by ${who(m.rejectedBy)}`] : [])];
    lines.push(`  ${m.mediator} ${confirmationStyle(style, m.confirmation)(`(${m.confirmation})`)}: ${parts.join('; ')}`);
  }
  if (v.positions.length) lines.push('positions');
  for (const p of v.positions) lines.push(`  ${p.party} ${p.speaker}: “${p.quote}” ${confirmationStyle(style, p.confirmation)(`(${p.confirmation})`)}`);
  if (v.documents.length) lines.push('documents');
  for (const d of v.documents) {
    lines.push(`  ${d.title} (${d.by}${d.round !== undefined ? `, round ${d.round}` : ''}) ${confirmationStyle(style, d.confirmation)(`(${d.confirmation})`)}`);
  }
  if (v.claims.length) lines.push('claims');
  for (const c of v.claims) lines.push(`  ${c.status.padEnd(10)} ${confirmationStyle(style, c.confirmation)(c.confirmation.padEnd(11))} ${source(c.source)}  ${style.dim(c.eventId)}`);
  return lines;
}

/** A view for a person: the facts that matter first, each with how sure it is, then who claimed what. */
export function formatView(v: ViewResponse, style: Style = NO_STYLE): string {
  const when = [v.asOf ? `as of ${v.asOf}` : '', v.validAt ? `valid at ${v.validAt}` : ''].filter(Boolean).join(', ');
  const retracted = Object.entries(v.retracted);
  const lines = [
    `${style.bold(v.subject)}${when ? `  (${when})` : ''}`,
    // The headline first, as a reader would look for it; the summary under it (contract §7.6).
    ...(v.title !== null ? [v.title] : []),
    ...(v.summary !== null ? [style.dim(v.summary)] : []),
    ...(v.kind === 'exchange' ? exchangeLines(v, style) : negotiationLines(v as NegotiationViewResponse, style)),
    ...(retracted.length ? ['retracted', ...retracted.map(([id, r]) => `  ${id} by ${r.by}: ${r.reason}`)] : []),
    style.dim(`${v.eventCount} events, last recorded ${v.lastRecordedAt ?? none}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `newsledger show <subject>`: a view, now or as it stood then. */
export function registerShowCommand(program: Command): void {
  const command = program
    .command('show')
    .description('show the view of an exchange or negotiation, now or as it stood at a point in time')
    .argument('<subject>', 'exchange/<id> or negotiation/<id>', subjectArg)
    .option('--as-of <instant>', 'from the events recorded by this instant ("what did we know then")', instantArg)
    .option('--valid-at <date>', 'from the reports that occurred by this date (2025-05, 2025-05-23, or an instant)', validAtArg)
    .option('--json', 'print the view as the API answers it');
  withApiOptions(command, 'query')
    .addHelpText(
      'after',
      `
Exit codes: 0 shown; 2 usage error, nothing recorded about the subject (by then), or the query
API unreachable or refusing the key.

Examples:
  $ npx newsledger show exchange/ua-ru-2025-05-1000
  $ npx newsledger show exchange/ua-ru-2025-05-1000 --as-of 2025-05-23T10:00:00Z
  $ npx newsledger show negotiation/ua-ru-istanbul-2025 --valid-at 2025-05-16 --json | jq .rounds`,
    )
    .action(async (subject: ReturnType<typeof subjectArg>, o: ShowOptions) => {
      const view = await clientFor('query', o).view(subject, { asOf: o.asOf, validAt: o.validAt });
      process.stdout.write(o.json ? `${JSON.stringify(view, null, 2)}\n` : formatView(view, styleFor(process.stdout)));
    });
}
