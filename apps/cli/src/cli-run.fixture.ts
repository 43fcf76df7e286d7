import { Command, CommanderError } from 'commander';
import { EXIT_NOT_DONE, failureOf } from './cli.failure';

/** How a command ended, as the user of the CLI would see it. */
export interface CliRun {
  exitCode: number;
  stderr: string;
}

/**
 * Runs the CLI's commands in this process, as main does but without exiting: for specs that check
 * what bad input is told and that nothing past the check runs.
 */
export async function runCli(register: (program: Command) => void, args: string[]): Promise<CliRun> {
  let stderr = '';
  const program = new Command('newsledger')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: (s) => void (stderr += s), outputError: (s, write) => write(s) });
  register(program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { exitCode: 0, stderr };
  } catch (e) {
    if (e instanceof CommanderError) return { exitCode: e.exitCode === 0 ? 0 : EXIT_NOT_DONE, stderr };
    const failure = failureOf(e);
    return { exitCode: failure.exitCode, stderr: `${stderr}newsledger: ${failure.message}\n` };
  }
}
