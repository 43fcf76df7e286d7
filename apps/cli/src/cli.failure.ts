import { KafkaDeskError } from '@newsledger/auth';
import { NewsledgerError } from '@newsledger/client';
import { ConfigError } from '@newsledger/config';
import { isDatabaseUnavailable } from '@newsledger/persistence';
import { describeApiError } from './api.connections';

/** Could not be done: bad usage, an API or database that cannot be reached or refuses, an unknown subject or key. */
export const EXIT_NOT_DONE = 2;

/** What the CLI says on stderr, and exits with, for an error that ended a command (the exit codes of the help). */
export function failureOf(e: unknown): { message: string; exitCode: number } {
  if (e instanceof NewsledgerError) return { message: describeApiError(e), exitCode: EXIT_NOT_DONE };
  if (e instanceof ConfigError) return { message: `${e.message}; fix or unset it`, exitCode: EXIT_NOT_DONE };
  if (e instanceof KafkaDeskError) return { message: e.message, exitCode: EXIT_NOT_DONE };
  const err = e as { message?: unknown; code?: unknown; exitCode?: unknown };
  const message = typeof err.message === 'string' && err.message ? err.message : String(err.code ?? e);
  if (isDatabaseUnavailable(e)) return { message: `PostgreSQL unreachable (${message}); is it running, and is DATABASE_URL right?`, exitCode: EXIT_NOT_DONE };
  return { message, exitCode: typeof err.exitCode === 'number' ? err.exitCode : 1 };
}

/**
 * stdout failing mid-command: a pipe closed early (`newsledger tail | head`) ends the command, it is
 * not a failure; anything else (a full disk) leaves the output incomplete, which must not pass for done.
 */
export function outputFailureOf(e: NodeJS.ErrnoException): { message?: string; exitCode: number } {
  if (e.code === 'EPIPE') return { exitCode: 0 };
  return { message: `cannot write the output: ${e.message}`, exitCode: EXIT_NOT_DONE };
}
