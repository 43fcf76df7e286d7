import { Command } from 'commander';
import { registerDeadLettersCommand } from './dead-letters/dead-letters.command';
import { registerExportCommand } from './export/export.command';
import { registerHistoryCommand } from './history/history.command';
import { registerIngestCommand } from './ingest/ingest.command';
import { registerKeysCommand } from './keys/keys.command';
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
  registerShowCommand(program);
  registerHistoryCommand(program);
  registerTailCommand(program);
  registerKeysCommand(program);
  registerExportCommand(program);
  registerRebuildCommand(program);
  registerVerifyCommand(program);
  registerReplayCommand(program);
  registerDeadLettersCommand(program);
}
