import { FeedPosition } from '@newsledger/event-log';

/**
 * What to do with a relayed message, given the last position already passed on (`head`):
 * `duplicate` (already passed on: a re-publish, or read from PostgreSQL first), `next` (follows
 * on), or `gap` (changes between head and it were not received: read them from PostgreSQL first).
 */
export function sequence(head: number, at: FeedPosition): 'duplicate' | 'next' | 'gap' {
  if (at.seq <= head) return 'duplicate';
  return at.prevSeq <= head ? 'next' : 'gap';
}
