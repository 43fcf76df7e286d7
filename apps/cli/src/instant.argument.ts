import { isInstant } from '@newsledger/domain';
import { InvalidArgumentError } from 'commander';

/**
 * An instant argument, as the APIs take it: a real calendar date, seconds, and `Z` or an offset,
 * so the moment does not depend on the time zone of the terminal it was typed in.
 */
export function instantArg(value: string): string {
  if (!isInstant(value)) {
    throw new InvalidArgumentError('an RFC 3339 instant with Z or an offset, such as 2025-05-23T10:00:00Z or 2025-05-23T13:00:00+03:00');
  }
  return new Date(value).toISOString();
}
