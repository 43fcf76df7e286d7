import { AuditJobProgress, Difference, VerifyReport } from '@newsledger/audit';
import { Command, InvalidArgumentError } from 'commander';
import { AuditConnections, CommandFailed, withConnections } from '../audit.connections';
import { followJob, phaseLines, queueJob, runJobHere } from '../rebuild/audit-job.follow';
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

/**
 * `newsledger verify`: replays the whole log in memory and reports every stored value that
 * disagrees; exit 1 if any. A verify job like the API's: run in this process by default, by the
 * projectors' job workers (`--queue`), or one already asked for (`--follow <id>`).
 */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('replay the whole log in memory and compare with the stored views; exits 1 on any difference')
    .option('--json', 'print the report as JSON')
    .option('--limit <n>', 'list at most this many differences (all are counted)', limitArg)
    .option('--queue', 'leave the verification to the projectors\' job workers and follow it here')
    .option('--follow <id>', 'follow a verify job asked for elsewhere (POST /v1/admin/verify with Prefer: respond-async) until it ends')
    .action(async (o: { json?: boolean; limit?: number; queue?: boolean; follow?: string }) => {
      const params = { limit: o.limit ?? Number.MAX_SAFE_INTEGER };
      const how = (c: AuditConnections, onProgress: (p: AuditJobProgress) => void) =>
        o.follow !== undefined ? followJob(c, 'verify', o.follow, onProgress) : o.queue ? queueJob(c, 'verify', params, onProgress) : runJobHere(c, 'verify', params, onProgress);
      const lines = phaseLines('verify');
      const report = (await withConnections((c) =>
        withReplayProgress((onRead) =>
          how(c, (p) => {
            lines(p);
            if (p.target > 0) onRead(p.applied, p.target);
          }),
        ),
      )) as VerifyReport;
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
