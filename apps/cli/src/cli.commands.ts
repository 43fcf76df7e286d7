import { Command } from 'commander';
import { registerKeysCommand } from './keys/keys.command';

/**
 * Every CLI command, one folder per use case; each folder exports a `register…Command(program)`.
 * Add new commands here.
 */
export function registerCommands(program: Command): void {
  registerKeysCommand(program);
}
