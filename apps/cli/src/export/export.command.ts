import { AuditError, exportEvents, exportScopeOf, ExportScope } from '@newsledger/audit';
import { Command } from 'commander';
import { pipeline } from 'node:stream/promises';
import { CommandFailed, withConnections } from '../audit.connections';
import { OutputContent, withOutputFile } from '../output-file.writer';

interface ExportOptions {
  subject?: string;
  from?: string;
  to?: string;
  out?: string;
}

/** Reads the scope's events from the database into `write`, one NDJSON line each; resolves to how many. */
function exportInto(scope: ExportScope, write: (content: OutputContent) => Promise<void>): Promise<number> {
  return withConnections(async ({ db }) => {
    let count = 0;
    await write(
      (async function* () {
        for await (const event of exportEvents(db, scope)) {
          count += 1;
          yield `${JSON.stringify(event)}\n`;
        }
      })(),
    );
    // As show and history answer: a subject with nothing recorded is most likely a mistyped id.
    if (scope.subject !== undefined && count === 0) {
      throw new CommandFailed(`nothing has been recorded about ${scope.subject}; check the id (newsledger show lists what is known of it)`, 2);
    }
    return count;
  });
}

/** `newsledger export`: the event index of a subject or a time window as NDJSON, to stdout or a file. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export the events of one subject (log order) or of a recordedAt window as NDJSON')
    .option('-s, --subject <subject>', 'e.g. exchange/ua-ru-2025-05-1000')
    .option('--from <instant>', 'recorded at or after this instant, e.g. 2025-05-01T00:00:00Z, or from the start of this day, e.g. 2025-05-01 (UTC)')
    .option('--to <instant>', 'recorded before this instant, or up to the end of this day, e.g. 2025-05-31 (UTC)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Each line is an event as recorded (eventId, recordedAt, ingestor, position, retracted… besides the
report); "newsledger ingest" takes such a file back as it is, recording each line's report under its
eventId (a second time, every line is a duplicate).
Exit codes: 0 written (a window may hold no events); 2 usage error, the database unreachable, or
nothing recorded about the subject.

Examples:
  $ npx newsledger export --subject exchange/ua-ru-2025-05-1000 -o swap.ndjson
  $ npx newsledger export --from 2025-05-01T00:00:00Z --to 2025-06-01T00:00:00Z | gzip > may.ndjson.gz`,
    )
    .action(async (o: ExportOptions) => {
      let scope;
      try {
        scope = exportScopeOf(o);
      } catch (e) {
        if (e instanceof AuditError && e.is('invalid_audit_request')) {
          throw new CommandFailed(e.details.issues.map((i) => `${i.path ? `--${i.path}: ` : ''}${i.message}`).join('; '), 2);
        }
        throw e;
      }
      if (!o.out) return void (await exportInto(scope, (content) => pipeline(content, process.stdout, { end: false })));
      const count = await withOutputFile(o.out, (write) => exportInto(scope, write));
      process.stderr.write(`${count} events written to ${o.out}\n`);
    });
}
