/** Retry timing of webhook deliveries. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** how long a delivery is retried, from its first attempt */
  periodMs: number;
}

/**
 * Delay before retry number `attempt` (1 = after the first failure): exponential from `baseMs`,
 * capped at `maxMs`, with "equal jitter" (between half and all of it) so receivers coming back
 * are not hit by every retry at once.
 */
export function retryDelay(attempt: number, p: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * After a failed attempt: give up once the retry period has run out, else wait; the last wait is
 * shortened so one attempt falls at the end of the period.
 */
export function afterFailure(
  attempt: number,
  elapsedMs: number,
  p: RetryPolicy,
  random: () => number = Math.random,
): { giveUp: true } | { giveUp: false; delayMs: number } {
  if (elapsedMs >= p.periodMs) return { giveUp: true };
  return { giveUp: false, delayMs: Math.max(0, Math.min(retryDelay(attempt, p, random), p.periodMs - elapsedMs)) };
}
