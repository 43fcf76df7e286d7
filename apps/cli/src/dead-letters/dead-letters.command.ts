import { loadConfig } from '@newsledger/config';
import { createKafka, DeadLetterEntry, DeadLetterPage, DeadLetterReadError, readDeadLetters } from '@newsledger/event-log';
import { Command, InvalidArgumentError } from 'commander';
import { CommandFailed } from '../audit.connections';
import { NO_STYLE, Style, styleFor } from '../terminal.style';

function limitArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 500) throw new InvalidArgumentError('a whole number from 1 to 500');
  return n;
}

function positionArg(value: string): string {
  if (!/^\d{1,19}$/.test(value)) throw new InvalidArgumentError('a position printed by dead-letters (a whole number)');
  return value;
}

/** An issue on one line of a terminal; --json has the whole text. */
const clip = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A preview on one line: line breaks and tabs would break the listing. */
const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ');

/** A page of dead letters, newest first: position, arrival, original position and reason, then the message's first bytes. */
export function formatDeadLetters(page: DeadLetterPage, topic: string, style: Style = NO_STYLE): string {
  if (page.total === 0) return `no dead letters on ${topic}\n`;
  const lines = [`${page.total} dead letter${page.total === 1 ? '' : 's'} on ${topic}, newest first`];
  if (page.letters.length > 0) {
    const width = Math.max('POSITION'.length, ...page.letters.map((l) => l.position.length));
    const origin = Math.max('ORIGINAL'.length, ...page.letters.map((l) => (l.originalPosition ?? '-').length));
    lines.push(style.bold(`${'POSITION'.padEnd(width)}  ${'ARRIVED'.padEnd(24)}  ${'ORIGINAL'.padEnd(origin)}  REASON`));
    for (const l of page.letters) {
      lines.push(`${l.position.padEnd(width)}  ${l.arrivedAt.padEnd(24)}  ${(l.originalPosition ?? '-').padEnd(origin)}  ${style.red(l.reason)}`);
      for (const i of l.issues.slice(0, 3)) lines.push(style.dim(`${' '.repeat(width)}  ${clip(`${i.path ? `${i.path}: ` : ''}${i.message}`)}`));
      const more = l.issues.length - 3;
      if (more > 0) lines.push(style.dim(`${' '.repeat(width)}  … ${more} more issue${more === 1 ? '' : 's'} (--json lists them)`));
      lines.push(style.dim(`${' '.repeat(width)}  ${previewOf(l)}`));
    }
  }
  if (page.nextBefore !== null) lines.push(style.dim(`older: newsledger dead-letters --before ${page.nextBefore}`));
  return `${lines.join('\n')}\n`;
}

function previewOf(l: DeadLetterEntry): string {
  if (l.preview === null) return '(no value)';
  return `${oneLine(l.preview)}${l.previewTruncated ? '…' : ''}  (${l.bytes} bytes)`;
}

/** `newsledger dead-letters`: the messages the projector refused, from the dead-letter topic, newest first. */
export function registerDeadLettersCommand(program: Command): void {
  program
    .command('dead-letters')
    .description('list the messages the projector refused (the dead-letter topic), newest first')
    .option('-n, --limit <n>', 'how many, 1 to 500 (default 20)', limitArg)
    .option('--before <position>', 'only those older than this position (as printed at the end of a page)', positionArg)
    .option('--json', 'print the page as JSON: {letters: [...], nextCursor, total}, as GET /v1/admin/dead-letters answers')
    .addHelpText(
      'after',
      `
Reads the dead-letter topic straight from Kafka (KAFKA_BROKERS, DLQ_TOPIC).
Exit codes: 0 listed (also when there are none); 2 usage error or Kafka unreachable.

Examples:
  $ npx newsledger dead-letters
  $ npx newsledger dead-letters --limit 5 --json | jq '.letters[] | {reason, originalPosition}'`,
    )
    .action(async (o: { limit?: number; before?: string; json?: boolean }) => {
      const config = loadConfig();
      const kafka = createKafka({ brokers: config.kafka.brokers, sasl: config.kafka.sasl, clientId: `${config.kafka.clientId}-cli`, retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 } });
      let page: DeadLetterPage;
      try {
        page = await readDeadLetters(kafka, config.kafka.topics.dlq, { limit: o.limit ?? 20, before: o.before });
      } catch (e) {
        if (e instanceof DeadLetterReadError) throw new CommandFailed(`${e.message}; is Kafka running at ${config.kafka.brokers.join(',')}?`, 2);
        throw e;
      }
      if (o.json) return void process.stdout.write(`${JSON.stringify({ letters: page.letters, nextCursor: page.nextBefore, total: page.total })}\n`);
      process.stdout.write(formatDeadLetters(page, config.kafka.topics.dlq, styleFor(process.stdout)));
    });
}
