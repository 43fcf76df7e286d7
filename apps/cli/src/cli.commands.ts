import { Command } from 'commander';
import { registerCompletionCommand } from './completion/completion.command';
import { registerDeadLettersCommand } from './dead-letters/dead-letters.command';
import { registerExplainCommand } from './explain/explain.command';
import { registerExportCommand } from './export/export.command';
import { registerHistoryCommand } from './history/history.command';
import { registerIngestCommand } from './ingest/ingest.command';
import { registerKafkaAccessCommand } from './kafka-access/kafka-access.command';
import { registerKeysCommand } from './keys/keys.command';
import { registerListCommand } from './list/list.command';
import { registerRebuildCommand } from './rebuild/rebuild.command';
import { registerReplayCommand } from './replay/replay.command';
import { registerShowCommand } from './show/show.command';
import { registerTailCommand } from './tail/tail.command';
import { registerVerifyCommand } from './verify/verify.command';

/**
 * Every CLI command, one folder per use case; each folder exports a `register…Command(program)`.
 * Add new commands here.
 */
export function registerCommands(program: Command): void {
  registerIngestCommand(program);
  registerListCommand(program);
  registerShowCommand(program);
  registerExplainCommand(program);
  registerHistoryCommand(program);
  registerTailCommand(program);
  registerKeysCommand(program);
  registerExportCommand(program);
  registerRebuildCommand(program);
  registerVerifyCommand(program);
  registerReplayCommand(program);
  registerDeadLettersCommand(program);
  registerKafkaAccessCommand(program);
  registerCompletionCommand(program);
}

/**
 * A usage error prints commander's one line ("error: unknown option '--bogus'") and a hint naming
 * the command's help, not the whole help, which would bury the line that matters.
 */
export function hintAfterUsageErrors(program: Command): void {
  const walk = (cmd: Command, path: string[]) => {
    cmd.showHelpAfterError(path.length ? `(see "newsledger help ${path.join(' ')}" for its options and examples)` : '(see "newsledger --help" for the commands)');
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
}
