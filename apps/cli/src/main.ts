#!/usr/bin/env node
import 'reflect-metadata';
import { Command } from 'commander';
import { registerCommands } from './cli.commands';

/** `npx newsledger <command>`: scripts for ingestors, auditors and operators. */
async function main(): Promise<void> {
  const program = new Command('newsledger')
    .description('newsledger: record news reports on Kafka, audit and follow the views')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  registerCommands(program);
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  process.stderr.write(`newsledger: ${(e as Error).message ?? String(e)}\n`);
  process.exit(typeof (e as { exitCode?: number }).exitCode === 'number' ? (e as { exitCode: number }).exitCode : 1);
});
