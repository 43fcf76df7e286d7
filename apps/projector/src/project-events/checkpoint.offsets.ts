import type { LogMessage } from '@newsledger/event-log';

/** The messages of a batch from offset `next` on. A batch's offsets ascend, so only its first messages can be applied already. */
export function unapplied(messages: readonly LogMessage[], next: bigint): readonly LogMessage[] {
  let applied = 0;
  while (applied < messages.length && BigInt(messages[applied].offset) < next) applied += 1;
  return applied === 0 ? messages : messages.slice(applied);
}

/** Each partition's next offset after the unapplied messages of its batch (batches of distinct partitions). */
export function nextOffsets(unappliedByBatch: readonly (readonly LogMessage[])[]): Map<number, bigint> {
  const next = new Map<number, bigint>();
  for (const messages of unappliedByBatch) {
    const lastMessage = messages[messages.length - 1];
    if (lastMessage) next.set(lastMessage.partition, BigInt(lastMessage.offset) + 1n);
  }
  return next;
}
