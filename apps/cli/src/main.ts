#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { hintAfterUsageErrors, registerCommands } from './cli.commands';
import { EXIT_NOT_DONE, failureOf, outputFailureOf } from './cli.failure';

const HELP_AFTER = `
Environment:
  NEWSLEDGER_INGEST_URL, NEWSLEDGER_QUERY_URL  the APIs (default http://127.0.0.1:3000 and :3001)
  NEWSLEDGER_KEY    API key for ingest/list/show/explain/history/tail (default NEWSLEDGER_ADMIN_KEY)
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
  $ npx newsledger list --q swap
  $ npx newsledger show exchange/ua-ru-2025-05-1000 --as-of 2025-05-23T10:00:00Z
  $ npx newsledger explain exchange/ua-ru-2025-05-1000
  $ npx newsledger history exchange/ua-ru-2025-05-1000
  $ npx newsledger tail --kind exchange
  $ source <(npx newsledger completion bash)
Run "npx newsledger help <command>" for a command's options and examples.`;

/** `npx newsledger <command>`: scripts for ingestors, auditors and operators. */
async function main(): Promise<void> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    const failure = outputFailureOf(e);
    if (failure.message) process.stderr.write(`newsledger: ${failure.message}\n`);
    process.exit(failure.exitCode);
  });
  const program = new Command('newsledger')
    .description('newsledger: record news reports on Kafka, read and follow the views, audit them')
    .configureOutput({ outputError: (s, write) => write(s) })
    .addHelpText('after', HELP_AFTER)
    // Commander exits 1 on a usage error; 1 here means "done, with problems found".
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT_NOT_DONE));
  registerCommands(program);
  hintAfterUsageErrors(program);
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  const failure = failureOf(e);
  process.stderr.write(`newsledger: ${failure.message}\n`);
  process.exit(failure.exitCode);
});
