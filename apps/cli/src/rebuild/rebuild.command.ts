import { ViewsRebuild } from '@newsledger/audit';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { withConnections } from '../audit.connections';
import { formatDifference } from '../verify/verify.command';

/**
 * `newsledger rebuild`: rebuilds every view from the start of the log into new tables while the
 * live ones keep serving, then switches atomically. Runs in this process; the query API and the
 * projector keep running.
 */
export function registerRebuildCommand(program: Command): void {
  program
    .command('rebuild')
    .description('rebuild every view from the start of the log without downtime, then switch to it atomically')
    .option('--abort-on-difference', 'do not switch if the rebuilt views differ from the live ones')
    .option('--adopt-log', 'derive every view from the log the brokers hold now (after a broker or topic was replaced), go on from its end and void the old log\'s report ids')
    .option('--json', 'print the report as JSON')
    .action(async (o: { abortOnDifference?: boolean; adoptLog?: boolean; json?: boolean }) => {
      const bar = new SingleBar({ format: '{phase} [{bar}] {percentage}% {value}/{total} events', stream: process.stderr, hideCursor: true });
      const report = await withConnections(async ({ config, db, kafka }) => {
        const rebuild = await ViewsRebuild.begin(db, kafka, {
          topic: config.kafka.topics.events,
          liveGroup: config.kafka.projectorGroupId,
          requestedBy: 'cli',
          switchLag: config.audit.rebuild.switchLag,
          switchTimeoutMs: config.audit.rebuild.switchTimeoutMs,
          lockTimeoutMs: config.audit.rebuild.lockTimeoutMs,
          sessionTimeout: config.kafka.sessionTimeoutMs,
          abortOnDifference: o.abortOnDifference ?? false,
          adoptLog: o.adoptLog ?? false,
          onProgress: (p) => {
            if (bar.getTotal() === 0 && p.target > 0) bar.start(p.target, p.applied, { phase: p.phase });
            bar.setTotal(Math.max(p.target, 1));
            bar.update(p.applied, { phase: p.phase });
          },
        });
        process.stderr.write(`rebuild ${rebuild.id}\n`);
        const stop = () => rebuild.cancel();
        process.once('SIGINT', stop);
        try {
          return await rebuild.run();
        } finally {
          process.off('SIGINT', stop);
          bar.stop();
        }
      });
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
