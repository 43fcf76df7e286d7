import { AuditJobParams, AuditJobProgress, RebuildReport } from '@newsledger/audit';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { AuditConnections, withConnections } from '../audit.connections';
import { formatDifference } from '../verify/verify.command';
import { followJob, phaseLines, queueJob, runJobHere } from './audit-job.follow';

/**
 * `newsledger rebuild`: rebuilds every view from the start of the log into new tables while the
 * live ones keep serving, then switches atomically. A rebuild job like the API's: run in this
 * process by default, or by the projectors' job workers (`--queue`), or one already asked for
 * (`--follow <id>`); the query API and the projector keep running.
 */
export function registerRebuildCommand(program: Command): void {
  program
    .command('rebuild')
    .description('rebuild every view from the start of the log without downtime, then switch to it atomically')
    .option('--abort-on-difference', 'do not switch if the rebuilt views differ from the live ones')
    .option('--adopt-log', 'derive every view from the log the brokers hold now (after a broker or topic was replaced), go on from its end and void the old log\'s report ids')
    .option('--queue', 'leave the rebuild to the projectors\' job workers and follow it here')
    .option('--follow <id>', 'follow a rebuild job asked for elsewhere (POST /v1/admin/rebuild) until it ends')
    .option('--json', 'print the report as JSON')
    .action(async (o: { abortOnDifference?: boolean; adoptLog?: boolean; queue?: boolean; follow?: string; json?: boolean }) => {
      const bar = new SingleBar({ format: '{phase} [{bar}] {percentage}% {value}/{total} events', stream: process.stderr, hideCursor: true });
      const lines = phaseLines('rebuild');
      const onProgress = (p: AuditJobProgress) => {
        lines(p);
        if (bar.getTotal() === 0 && p.target > 0) bar.start(p.target, p.applied, { phase: p.phase });
        bar.setTotal(Math.max(p.target, 1));
        bar.update(p.applied, { phase: p.phase });
      };
      const params: AuditJobParams = { abortOnDifference: o.abortOnDifference ?? false, adoptLog: o.adoptLog ?? false };
      const how = (c: AuditConnections) =>
        o.follow !== undefined ? followJob(c, 'rebuild', o.follow, onProgress) : o.queue ? queueJob(c, 'rebuild', params, onProgress) : runJobHere(c, 'rebuild', params, onProgress);
      const report = (await withConnections(async (c) => {
        try {
          return await how(c);
        } finally {
          bar.stop();
        }
      })) as RebuildReport;
      if (o.json) return void process.stdout.write(`${JSON.stringify(report)}\n`);
      const d = report.differences;
      process.stdout.write(
        `switched to the rebuilt views: ${report.subjects} subjects, ${report.eventsIndexed} events, ${report.eventsPerSecond} events/s, ` +
          `projector paused ${report.projectorPausedMs} ms, ${report.durationMs} ms in all\n`,
      );
      if (report.adopted) {
        const a = report.adopted;
        process.stdout.write(
          `adopted the log of Kafka cluster ${a.clusterId}: the projector goes on from ${Object.entries(a.checkpoints).map(([p, o]) => `${p}:${o}`).join(', ')}; ` +
            `${a.claimsVoided} report ids of the old log voided\n`,
        );
      }
      if (d.views + d.events + d.links === 0) process.stdout.write('the rebuilt views equal the ones they replaced\n');
      else {
        process.stdout.write(`the rebuilt generation differs from the one it replaced: ${d.views} views, ${d.events} index rows, ${d.links} links (stored = old, replayed = new)\n`);
        for (const s of d.samples) process.stdout.write(`${formatDifference(s)}\n`);
      }
    });
}
