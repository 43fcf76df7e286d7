/** How {@link isolatePoison} applies messages and deals with the one(s) that cannot be applied. */
export interface PoisonIsolation<M> {
  /** Applies these messages, in order, in one transaction (all or nothing); skips those already applied. */
  apply(messages: readonly M[]): Promise<void>;
  /** Whether a failure comes from what the messages hold, so it would recur on every retry. */
  isPoison(e: unknown): boolean;
  /** Takes a message that cannot be applied out of the way (dead letter, checkpoint past it). */
  setAside(message: M, e: unknown): Promise<void>;
}

/**
 * Applies `messages` whose batch failed deterministically, in log order, by halves: a half that
 * fails is halved again, down to the single messages responsible, which are set aside with the
 * database's reason; every other message is applied in the same all-or-nothing transactions as
 * always. A lone message is tried once more before it is set aside, so a race that looks
 * deterministic (an id another partition's transaction indexed meanwhile) is retried, not dropped.
 * A transient failure on the way is thrown: the caller retries from the last committed message.
 *
 * Costs about 2·k·log2(n) transactions for k poison messages among n.
 */
export async function isolatePoison<M>(messages: readonly M[], how: PoisonIsolation<M>): Promise<void> {
  if (messages.length === 0) return;
  if (messages.length === 1) {
    try {
      await how.apply(messages);
    } catch (e) {
      if (!how.isPoison(e)) throw e;
      await how.setAside(messages[0], e);
    }
    return;
  }
  const middle = messages.length >> 1;
  for (const half of [messages.slice(0, middle), messages.slice(middle)]) {
    try {
      await how.apply(half);
    } catch (e) {
      if (!how.isPoison(e)) throw e;
      await isolatePoison(half, how);
    }
  }
}
