import { AuditError, exportEvents, exportScopeOf } from '@newsledger/audit';
import { Command } from 'commander';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { CommandFailed, withConnections } from '../audit.connections';

interface ExportOptions {
  subject?: string;
  from?: string;
  to?: string;
  out?: string;
}

async function write(out: Writable, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain');
}

/** `newsledger export`: the event index of a subject or a time window as NDJSON, to stdout or a file. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export the events of one subject (log order) or of a recordedAt window as NDJSON')
    .option('-s, --subject <subject>', 'e.g. exchange/ua-ru-2025-05-1000')
    .option('--from <instant>', 'recorded at or after this instant, e.g. 2025-05-01T00:00:00Z')
    .option('--to <instant>', 'recorded before this instant')
    .option('-o, --out <file>', 'write to this file instead of stdout')
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
      const out = o.out ? createWriteStream(o.out) : process.stdout;
      const count = await withConnections(async ({ db }) => {
        let n = 0;
        for await (const event of exportEvents(db, scope)) {
          await write(out, `${JSON.stringify(event)}\n`);
          n += 1;
        }
        return n;
      });
      if (o.out) {
        out.end();
        await once(out, 'finish');
        process.stderr.write(`${count} events written to ${o.out}\n`);
      }
    });
}
