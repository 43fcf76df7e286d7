import { INSTANT_FORMAT, isInstant, isReportedTime } from '@newsledger/domain';
import { InvalidArgumentError } from 'commander';

/**
 * An instant argument, as the APIs take it (the same rule): a real calendar date, minutes or
 * seconds, and `Z` or an offset, so the moment does not depend on the time zone of the terminal
 * it was typed in.
 */
export function instantArg(value: string): string {
  if (!isInstant(value)) throw new InvalidArgumentError(INSTANT_FORMAT);
  return new Date(value).toISOString();
}

/** A `--valid-at` argument: a date at its own precision or an instant with offset, as the APIs take it. */
export function validAtArg(value: string): string {
  if (!isReportedTime(value)) throw new InvalidArgumentError('a date at its own precision (2025, 2025-05, 2025-05-23) or an instant with offset');
  return value;
}
