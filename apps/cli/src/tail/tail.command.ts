import type { FeedChange } from '@newsledger/client';
import type { SubjectKind } from '@newsledger/domain';
import { Command, InvalidArgumentError } from 'commander';
import { ApiOptions, clientFor, subjectArg, withApiOptions } from '../api.connections';

interface TailOptions extends ApiOptions {
  subject?: string[];
  kind?: SubjectKind[];
  field?: FeedChange['field'][];
  from?: string;
  json?: boolean;
}

const collectSubjects = (value: string, previous: string[] = []) => [...previous, subjectArg(value)];

function collectOneOf<T extends string>(allowed: readonly T[]) {
  return (value: string, previous: T[] = []): T[] => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${allowed.join(', ')}`);
    return [...previous, value as T];
  };
}

function positionArg(value: string): string {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('an id printed by tail (a whole number); 0 replays from the start');
  return value;
}

/** One line per change: readable by default, or the change as JSON with its position. */
export function formatChange(position: string | undefined, c: Omit<FeedChange, 'from' | 'to' | 'field'> & { field: string; from: string | null; to: string | null }, json: boolean): string {
  if (json) return JSON.stringify({ position, ...c });
  const cause = c.retractionOf ? `retraction ${c.causedBy} of ${c.retractionOf}` : c.causedBy;
  return `${position ?? '-'}  ${c.recordedAt}  ${c.subject}  ${c.field}: ${c.from ?? '∅'} → ${c.to ?? '∅'}  (${cause})`;
}

/**
 * `newsledger tail`: prints the status-change feed as it happens. The client reconnects after a
 * dropped stream from the last position received, so nothing is missed or printed twice.
 */
export function registerTailCommand(program: Command): void {
  const command = program
    .command('tail')
    .description('print status changes as they happen (the SSE feed); reconnects without missing any')
    .option('-s, --subject <subject>', 'only this subject, e.g. exchange/ua-ru-2025-05-1000 (repeatable)', collectSubjects)
    .option('-k, --kind <kind>', 'only exchange or negotiation (repeatable)', collectOneOf(['exchange', 'negotiation'] as const))
    .option('-f, --field <field>', 'only status or reportedStatus (repeatable)', collectOneOf(['status', 'reportedStatus'] as const))
    .option('--from <id>', 'start after this id (as printed first on each line); 0 replays every change', positionArg)
    .option('--json', 'one JSON object per line: {"position", ...the change}');
  withApiOptions(command, 'query')
    .addHelpText(
      'after',
      `
Runs until interrupted (exit 0). Exit 2: usage error, or the query API refusing the key or filter.
While the API is unreachable it keeps trying, saying so on stderr.

Examples:
  $ npx newsledger tail
  $ npx newsledger tail --subject exchange/ua-ru-2025-05-1000 --field status
  $ npx newsledger tail --kind negotiation --from 0 --json | jq -c '{subject, to}'`,
    )
    .action(async (o: TailOptions) => {
      const client = clientFor('query', o);
      const stop = new AbortController();
      const quit = () => stop.abort();
      process.once('SIGINT', quit);
      process.once('SIGTERM', quit);
      try {
        const feed = client.followStatusChanges({
          subject: o.subject,
          kind: o.kind,
          field: o.field,
          lastEventId: o.from,
          signal: stop.signal,
          onReconnect: ({ error, lastEventId, delayMs }) =>
            process.stderr.write(`newsledger tail: ${error.message}; reconnecting${lastEventId !== undefined ? ` after ${lastEventId}` : ''} in ${delayMs} ms\n`),
        });
        for await (const { position, change } of feed) process.stdout.write(`${formatChange(position, change, o.json === true)}\n`);
      } finally {
        process.off('SIGINT', quit);
        process.off('SIGTERM', quit);
      }
    });
}
