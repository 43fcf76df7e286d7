import { Difference, verifyViews } from '@newsledger/audit';
import { Command, InvalidArgumentError } from 'commander';
import { CommandFailed, withConnections } from '../audit.connections';
import { withReplayProgress } from '../replay.progress';

const show = (v: unknown) => (v === null || v === undefined ? '∅' : JSON.stringify(v));

/** One readable line per difference. */
export function formatDifference(d: Difference): string {
  return `${d.subject}  ${d.field}  stored ${show(d.stored)}  replayed ${show(d.replayed)}`;
}

function limitArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number');
  return n;
}

/** `newsledger verify`: replays the whole log in memory and reports every stored value that disagrees; exit 1 if any. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('replay the whole log in memory and compare with the stored views; exits 1 on any difference')
    .option('--json', 'print the report as JSON')
    .option('--limit <n>', 'list at most this many differences (all are counted)', limitArg)
    .action(async (o: { json?: boolean; limit?: number }) => {
      const report = await withConnections(({ config, db, kafka }) =>
        withReplayProgress((onProgress) =>
          verifyViews(db, kafka, {
            topic: config.kafka.topics.events,
            group: config.kafka.projectorGroupId,
            groupPrefix: `${config.kafka.projectorGroupId}.verify`,
            sessionTimeout: config.kafka.sessionTimeoutMs,
            maxDifferences: o.limit ?? Number.MAX_SAFE_INTEGER,
            onProgress,
          }),
        ),
      );
      if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else {
        for (const d of report.differences) process.stdout.write(`${formatDifference(d)}\n`);
        const listed = report.differences.length < report.differenceCount ? ` (${report.differences.length} listed)` : '';
        process.stdout.write(
          `${report.ok ? 'ok' : 'DIFFERENT'}: ${report.subjects} subjects, ${report.events} events replayed up to ${JSON.stringify(report.until)}; ` +
            `${report.differenceCount} differences${listed}, ${report.durationMs} ms\n`,
        );
      }
      if (!report.ok) throw new CommandFailed(`${report.differenceCount} stored values differ from the log`, 1);
    });
}
