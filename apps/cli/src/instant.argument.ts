import { INSTANT_FORMAT, isInstant } from '@newsledger/domain';
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
