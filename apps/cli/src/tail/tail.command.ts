import type { FeedChange } from '@newsledger/client';
import { CHANGE_FIELDS, type SubjectKind } from '@newsledger/domain';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '@newsledger/config';
import { ApiOptions, clientFor, subjectArg, withApiOptions } from '../api.connections';

interface TailOptions extends ApiOptions {
  subject?: string[];
  kind?: SubjectKind[];
  field?: FeedChange['field'][];
  from?: string;
  json?: boolean;
  untilIdle?: number;
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

function secondsArg(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 86_400) throw new InvalidArgumentError('a number of seconds, more than 0 and at most 86400');
  return n;
}

/** What tail says on stderr when the feed's subscription is confirmed, so a person knows it is listening. */
export function connectedMessage(url: string, lastEventId: string | undefined, first: boolean, untilIdle: number | undefined): string {
  const from = lastEventId === undefined ? 'changes from now on' : lastEventId === '0' ? 'every change from the start' : `changes after ${lastEventId}`;
  const until = untilIdle === undefined ? 'Ctrl-C stops' : `stops after ${untilIdle} s without a change`;
  return `newsledger tail: ${first ? 'connected' : 'connected again'} to ${url}; ${from} (${until})\n`;
}

/** One line per change: readable by default, or the change as JSON with its position. */
export function formatChange(
  position: string | undefined,
  c: Omit<FeedChange, 'from' | 'to' | 'field'> & { field: string; from: string | readonly number[] | null; to: string | readonly number[] | null },
  json: boolean,
): string {
  if (json) return JSON.stringify({ position, ...c });
  const cause = c.retractionOf ? `retraction ${c.causedBy} of ${c.retractionOf}` : c.causedBy;
  // A dispute's values are a list.
  const shown = (v: string | readonly number[] | null) => (v === null ? '∅' : typeof v === 'string' ? v : v.join(' vs '));
  return `${position ?? '-'}  ${c.recordedAt}  ${c.subject}  ${c.field}: ${shown(c.from)} → ${shown(c.to)}  (${cause})`;
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
    .option('-f, --field <field>', `only ${CHANGE_FIELDS.join(', ')} (repeatable)`, collectOneOf(CHANGE_FIELDS))
    .option('--from <id>', 'start after this id (as printed first on each line); 0 replays every change', positionArg)
    .option('--json', 'one JSON object per line: {"position", ...the change}')
    .option('--until-idle <seconds>', 'stop (exit 0) once no change has arrived for this long, e.g. after replaying with --from 0', secondsArg);
  withApiOptions(command, 'query')
    .addHelpText(
      'after',
      `
Runs until interrupted, or until --until-idle passes without a change (exit 0). Exit 2: usage
error, or the query API refusing the key or filter. Says on stderr when it is connected; while
the API is unreachable it keeps trying, saying so there too.

Examples:
  $ npx newsledger tail
  $ npx newsledger tail --subject exchange/ua-ru-2025-05-1000 --field status
  $ npx newsledger tail --kind negotiation --from 0 --json | jq -c '{subject, to}'
  $ npx newsledger tail --from 0 --until-idle 2 --json > changes.ndjson`,
    )
    .action(async (o: TailOptions) => {
      const client = clientFor('query', o);
      const url = o.url ?? loadConfig().client.queryUrl;
      const stop = new AbortController();
      // Counted from the moment the subscription is confirmed, and again from each change.
      let idle: NodeJS.Timeout | undefined;
      const stillListening = () => {
        if (o.untilIdle === undefined) return;
        clearTimeout(idle);
        idle = setTimeout(() => stop.abort(), o.untilIdle * 1000);
      };
      let opened = 0;
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
          onOpen: ({ lastEventId }) => {
            process.stderr.write(connectedMessage(url, lastEventId, (opened += 1) === 1, o.untilIdle));
            stillListening();
          },
          onReconnect: ({ error, lastEventId, delayMs }) =>
            process.stderr.write(`newsledger tail: ${error.message}; reconnecting${lastEventId !== undefined ? ` after ${lastEventId}` : ''} in ${delayMs} ms\n`),
        });
        for await (const { position, change } of feed) {
          stillListening();
          process.stdout.write(`${formatChange(position, change, o.json === true)}\n`);
        }
      } finally {
        clearTimeout(idle);
        process.off('SIGINT', quit);
        process.off('SIGTERM', quit);
      }
    });
}
