import type { History } from '@newsledger/client';
import { Command } from 'commander';
import { ApiOptions, clientFor, subjectArg, withApiOptions } from '../api.connections';
import { confirmationStyle, NO_STYLE, Style, styleFor } from '../terminal.style';

/** Every event, one line each in log order: where and when it was recorded, what it says, who said it and who filed it. */
export function formatHistory(h: History, style: Style = NO_STYLE): string {
  const lines = [`${style.bold(h.subject)}: ${h.events.length} event${h.events.length === 1 ? '' : 's'}`];
  const typeWidth = Math.max(...h.events.map((e) => e.type.length));
  for (const e of h.events) {
    const cells = [
      style.dim(`${e.position.partition}:${e.position.offset}`),
      e.recordedAt,
      e.type.padEnd(typeWidth),
      confirmationStyle(style, e.confirmation)(e.confirmation.padEnd(11)),
      `${e.source.name} (${e.source.kind})`,
      style.dim(`by ${e.ingestor}`),
      e.eventId,
    ];
    const line = cells.join('  ');
    lines.push(e.retracted ? `${style.dim(line)}  ${style.red(`retracted by ${e.retractedBy}`)}` : line);
    if (e.occurredAt) lines.push(style.dim(`    occurred ${e.occurredAt}`));
    if (e.note) lines.push(style.dim(`    “${e.note}”`));
  }
  return `${lines.join('\n')}\n`;
}

/** `newsledger history <subject>`: every event of a subject in log order. */
export function registerHistoryCommand(program: Command): void {
  const command = program
    .command('history')
    .description('list every event of an exchange or negotiation in log order, retracted ones marked')
    .argument('<subject>', 'exchange/<id> or negotiation/<id>', subjectArg)
    .option('--json', 'print the history as the API answers it: {subject, events: [...]}');
  withApiOptions(command, 'query')
    .addHelpText(
      'after',
      `
Exit codes: 0 listed; 2 usage error, nothing recorded about the subject, or the query API
unreachable or refusing the key.

Examples:
  $ npx newsledger history exchange/ua-ru-2025-05-1000
  $ npx newsledger history exchange/ua-ru-2025-05-1000 --json | jq '.events[] | {type, confirmation, ingestor}'`,
    )
    .action(async (subject: ReturnType<typeof subjectArg>, o: ApiOptions & { json?: boolean }) => {
      const history = await clientFor('query', o).history(subject);
      process.stdout.write(o.json ? `${JSON.stringify(history, null, 2)}\n` : formatHistory(history, styleFor(process.stdout)));
    });
}
