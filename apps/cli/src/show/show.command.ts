import type { ExchangeViewResponse, NegotiationViewResponse, ViewResponse } from '@newsledger/client';
import { countsAsConfirmed, officialPartyOf, stagesSupportedBy, type Confirmation, type Source } from '@newsledger/domain';
import { Command } from 'commander';
import { ApiOptions, clientFor, subjectArg, withApiOptions } from '../api.connections';
import { instantArg, validAtArg } from '../instant.argument';
import { confirmationStyle, NO_STYLE, Style, styleFor } from '../terminal.style';
import { badgeWords, disputeWords, factWords } from '@newsledger/client';

interface ShowOptions extends ApiOptions {
  asOf?: string;
  validAt?: string;
  json?: boolean;
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

/**
 * Who stands behind one report, without overstating it: "confirmed by" an official statement,
 * "reported by" a source the desk confirmed, "claimed by" one it did not.
 */
export function reportWords(confirmation: Confirmation, s: Source): string {
  const verb = confirmation === 'denied' ? 'denied by' : !countsAsConfirmed(confirmation) ? 'claimed by' : officialPartyOf(s) ? 'confirmed by' : 'reported by';
  return `${verb} ${s.name}${s.speaker && s.speaker !== s.name ? ` (${s.speaker})` : ''}`;
}

function exchangeLines(v: ExchangeViewResponse, style: Style): string[] {
  const fact = <T>(f: { value: T; confirmation: string } | null, show: (x: T) => string = String) =>
    f ? `${show(f.value)} ${confirmationStyle(style, f.confirmation)(`(${f.confirmation})`)}` : none;
  const confirmedStages: readonly string[] = v.status ? stagesSupportedBy(v.status) : [];
  // The reported status is said apart only when it goes further than the confirmed one.
  const reportedApart = v.reportedStatus !== null && v.reportedStatus !== v.status;
  const lines = rows(
    [
      ['status', v.status ? style.bold(badgeWords(v.status, 'confirmed', v.corroboration[v.status], v.parties)) : `${none} ${style.dim('(nothing confirmed yet)')}`],
      ...(reportedApart ? ([['reported', style.yellow(badgeWords(v.reportedStatus, 'reported', v.corroboration[v.reportedStatus!], v.parties))]] as [string, string][]) : []),
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
  if (v.phases.length) lines.push('phases');
  for (const p of v.phases) {
    const claim = v.claims.find((c) => c.eventId === p.eventId);
    const who = claim ? confirmationStyle(style, claim.confirmation)(reportWords(claim.confirmation, claim.source)) : '';
    lines.push(`  ${String(p.phase).padStart(2)}  ${counts(p.releasedBy).padEnd(16)} ${(p.date ?? '').padEnd(10)}  ${who}`.trimEnd());
  }
  const stages = Object.entries(v.corroboration);
  if (stages.length) lines.push(`how sure, stage by stage ${style.dim('(who said so; "confirmed by" only for official statements)')}`);
  for (const [stage, c] of stages) {
    const how = confirmedStages.includes(stage) ? 'confirmed' : 'reported';
    const words = badgeWords(stage, how, c, v.parties);
    lines.push(`  ${how === 'confirmed' ? words : style.yellow(words)}`);
    if (c.sources.length) lines.push(style.dim(`      ${c.sources.map(ladderSource).join(', ')}`));
  }
  if (v.disputes.length) lines.push(`disputes ${style.dim('(sources disagree; the lowest figure is shown)')}`);
  for (const d of v.disputes) lines.push(`  ${factWords(d.fact)}: ${disputeWords(d)}`);
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
