import type { Evidence, Explanation } from '@newsledger/domain';
import { Command } from 'commander';
import { ApiOptions, clientFor, subjectArg, withApiOptions } from '../api.connections';
import { instantArg, validAtArg } from '../instant.argument';
import { confirmationStyle, NO_STYLE, Style, styleFor } from '../terminal.style';

interface ExplainOptions extends ApiOptions {
  asOf?: string;
  validAt?: string;
  json?: boolean;
}

/** What each role does for the fact, in the words the evidence lines use. */
const ROLE_WORDS: Record<Evidence['role'], string> = {
  supports: 'supports',
  denies: 'denies',
  disputes: 'disputes',
  superseded: 'superseded',
  retracted: 'retracted',
};

function roleStyle(style: Style, role: Evidence['role']): (text: string) => string {
  if (role === 'supports') return style.green;
  if (role === 'denies' || role === 'disputes') return style.red;
  return style.dim;
}

/** A source on one line: name, speaker, origin, kind and side. */
function sourceOf(s: Evidence['source']): string {
  const speaker = s.speaker && s.speaker !== s.name ? ` (${s.speaker})` : '';
  return `${s.name}${speaker}${s.via ? ` via ${s.via}` : ''}, ${s.kind}${s.party ? ` ${s.party}` : ''}`;
}

/**
 * Why a view reads as it does, for a person: each fact with its sentence, then the reports behind
 * it in log order, each with what it does for the fact (supports, denies, disputes, superseded,
 * retracted), how sure the desk was, who said it, and when.
 */
export function formatExplanation(x: Explanation, at: { asOf?: string; validAt?: string } = {}, style: Style = NO_STYLE): string {
  const when = [at.asOf ? `as of ${at.asOf}` : '', at.validAt ? `valid at ${at.validAt}` : ''].filter(Boolean).join(', ');
  const lines = [`${style.bold(x.subject)}${when ? `  (${when})` : ''}`];
  if (x.facts.length === 0) lines.push(style.dim('nothing to explain yet'));
  for (const f of x.facts) {
    lines.push('', `${style.bold(f.field)}  ${f.sentence}`);
    const roleWidth = Math.max(...f.evidence.map((e) => e.role.length), 0);
    const typeWidth = Math.max(...f.evidence.map((e) => e.type.length), 0);
    for (const e of f.evidence) {
      const time = e.occurredAt ? `occurred ${e.occurredAt}, recorded ${e.recordedAt}` : `recorded ${e.recordedAt}`;
      lines.push(
        `  ${roleStyle(style, e.role)(ROLE_WORDS[e.role].padEnd(roleWidth))}  ${e.type.padEnd(typeWidth)}  ${confirmationStyle(style, e.confirmation)(e.confirmation.padEnd(11))} ${sourceOf(e.source)}`,
      );
      lines.push(style.dim(`  ${' '.repeat(roleWidth)}  ${time}  ${e.eventId}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `newsledger explain <subject>`: why its view reads as it does (`GET …/:id/explain`). */
export function registerExplainCommand(program: Command): void {
  const command = program
    .command('explain')
    .description('say why a view reads as it does: each fact as a sentence, with the reports behind it')
    .argument('<subject>', 'exchange/<id> or negotiation/<id>', subjectArg)
    .option('--as-of <instant>', 'as the view stood from the events recorded by this instant', instantArg)
    .option('--valid-at <date>', 'from the reports that occurred by this date (2025-05, 2025-05-23, or an instant)', validAtArg)
    .option('--json', 'print the explanation as the API answers it: {subject, facts: [{field, value, level, sentence, evidence}]}');
  withApiOptions(command, 'query')
    .addHelpText(
      'after',
      `
Facts: status and reportedStatus with their corroboration, each party's released figure, each
dispute (exchanges); the status (negotiations). Each report behind a fact says what it does for
it: supports, denies, disputes, superseded (an earlier figure from the same source) or retracted.
Exit codes: 0 explained; 2 usage error, nothing recorded about the subject (by then), or the
query API unreachable or refusing the key.

Examples:
  $ npx newsledger explain exchange/ua-ru-2025-05-1000
  $ npx newsledger explain exchange/ua-ru-2024-12-150 --as-of 2024-12-31T00:00:00Z
  $ npx newsledger explain negotiation/ua-ru-istanbul-2025 --json | jq -r '.facts[].sentence'`,
    )
    .action(async (subject: ReturnType<typeof subjectArg>, o: ExplainOptions) => {
      const explanation = await clientFor('query', o).explain(subject, { asOf: o.asOf, validAt: o.validAt });
      process.stdout.write(o.json ? `${JSON.stringify(explanation, null, 2)}\n` : formatExplanation(explanation, o, styleFor(process.stdout)));
    });
}
