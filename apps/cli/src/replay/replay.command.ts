import { replayLog } from '@newsledger/audit';
import { toView, tryParseSubject } from '@newsledger/domain';
import { Command, InvalidArgumentError } from 'commander';
import { withConnections } from '../audit.connections';
import { withOutputFile } from '../output-file.writer';
import { withReplayProgress } from '../replay.progress';
import { instantArg } from '../instant.argument';

interface ReplayOptions {
  out: string;
  subject?: string;
  until?: Map<number, string>;
  asOf?: string;
}

/** `0:120,3:45` → partition → first offset not to read (each given offset is the last one read). */
function untilArg(value: string): Map<number, string> {
  const until = new Map<number, string>();
  for (const part of value.split(',')) {
    const m = /^(\d+):(\d+)$/.exec(part.trim());
    if (!m) throw new InvalidArgumentError('comma-separated partition:offset pairs, e.g. 0:120,3:45');
    until.set(Number(m[1]), (BigInt(m[2]) + 1n).toString());
  }
  return until;
}

function subjectArg(value: string): string {
  if (!tryParseSubject(value)) throw new InvalidArgumentError('a subject such as exchange/ua-ru-2025-05-1000');
  return value;
}

/**
 * `newsledger replay`: folds the log (from Kafka, with the projector's own batch step) up to a
 * position or an instant into a JSON file — an audit sandbox that never touches the live views.
 */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('replay the log, or one subject of it, up to a position or an instant into a JSON file; the live views are not touched')
    .requiredOption('-o, --out <file>', 'the JSON file to write')
    .option('-s, --subject <subject>', 'keep only this subject in the file (the whole log is still read)', subjectArg)
    .option('--until <positions>', 'stop after these positions, as partition:offset pairs (unlisted partitions: to their end)', untilArg)
    .option('--as-of <instant>', 'leave out events recorded after this instant', instantArg)
    .action(async (o: ReplayOptions) => {
      // The file is checked before the replay, which can take long, and written only once it is done.
      const { written, read } = await withOutputFile(o.out, async (write) => {
        const log = await withConnections(({ config, kafka }) =>
          withReplayProgress((onProgress) =>
            replayLog(kafka, config.kafka.topics.events, {
              until: o.until,
              asOf: o.asOf,
              groupPrefix: `${config.kafka.projectorGroupId}.replay`,
              sessionTimeout: config.kafka.sessionTimeoutMs,
              onProgress,
            }),
          ),
        );
        const subjects = [...log.states.keys()].filter((s) => !o.subject || s === o.subject).sort();
        const views: Record<string, unknown> = {};
        for (const subject of subjects) {
          const view: Record<string, unknown> = { ...toView(log.states.get(subject)!) };
          if (view.kind === 'negotiation') {
            view.exchanges = [...new Set([...log.links.values()].filter((l) => l.negotiation === subject).map((l) => l.exchange))].sort();
          }
          views[subject] = view;
        }
        const file = {
          replayedAt: new Date().toISOString(),
          topic: log.topic,
          until: Object.fromEntries([...log.until].map(([p, offset]) => [String(p), offset])),
          ...(o.asOf ? { asOf: o.asOf } : {}),
          ...(o.subject ? { subject: o.subject } : {}),
          counts: log.counts,
          views,
        };
        await write([`${JSON.stringify(file, null, 2)}\n`]);
        return { written: subjects.length, read: log.counts.read };
      });
      process.stderr.write(`${written} views written to ${o.out} (${read} messages read)\n`);
    });
}
