#!/usr/bin/env node
import 'reflect-metadata';
import { NewsledgerError } from '@newsledger/client';
import { Command } from 'commander';
import { describeApiError } from './api.connections';
import { registerCommands } from './cli.commands';

/** Could not be done: bad usage, an API or database that cannot be reached or refuses, an unknown subject or key. */
const EXIT_NOT_DONE = 2;

const HELP_AFTER = `
Environment:
  NEWSLEDGER_INGEST_URL, NEWSLEDGER_QUERY_URL  the APIs (default http://127.0.0.1:3000 and :3001)
  NEWSLEDGER_KEY    API key for ingest/show/history/tail (default NEWSLEDGER_ADMIN_KEY)
  DATABASE_URL, KAFKA_BROKERS  for keys, export, rebuild, verify and replay, which work on the
                    database and the log directly
  NO_COLOR          no colour even at a terminal (output that is not a terminal never has any)

Exit codes:
  0  done
  1  done, with problems found: ingest rejected some lines, verify found differences, rebuild
     refused to switch; also any unexpected failure
  2  could not be done: usage error, an API or the database unreachable or refusing the key,
     an unknown subject or key id, reports still not recorded after retries

Examples:
  $ npx newsledger keys create --name kyiv-desk --scopes ingest,read
  $ npx newsledger ingest reports.ndjson
  $ npx newsledger show exchange/ua-ru-2025-05-1000 --as-of 2025-05-23T10:00:00Z
  $ npx newsledger history exchange/ua-ru-2025-05-1000
  $ npx newsledger tail --kind exchange
Run "npx newsledger help <command>" for a command's options and examples.`;

/** `npx newsledger <command>`: scripts for ingestors, auditors and operators. */
async function main(): Promise<void> {
  // `newsledger tail | head` closes the pipe early: that ends the command, it is not a failure.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const program = new Command('newsledger')
    .description('newsledger: record news reports on Kafka, read and follow the views, audit them')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) })
    .addHelpText('after', HELP_AFTER)
    // Commander exits 1 on a usage error; 1 here means "done, with problems found".
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT_NOT_DONE));
  registerCommands(program);
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  if (e instanceof NewsledgerError) {
    process.stderr.write(`newsledger: ${describeApiError(e)}\n`);
    process.exit(EXIT_NOT_DONE);
  }
  process.stderr.write(`newsledger: ${(e as Error).message ?? String(e)}\n`);
  process.exit(typeof (e as { exitCode?: number }).exitCode === 'number' ? (e as { exitCode: number }).exitCode : 1);
});
