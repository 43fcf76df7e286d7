import { FeedChange } from './status-changes-published.event';

/** What the fan-out hands changes to: a {@link FeedConnection}, seen by its filter's subjects. */
export interface FeedReceiver {
  readonly filter: { readonly subject?: readonly string[] };
  receive(changes: readonly FeedChange[]): void;
}

/**
 * Hands each live batch to the streams whose filter can match it, without visiting the others.
 * Streams that follow named subjects are indexed by subject and get only those subjects' changes,
 * in feed order; the rest (filtered by kind or field, or not at all) get the whole batch, whose
 * frames they render once per filter. A thousand streams following one story each cost a map
 * lookup per change, not a thousand filter checks.
 */
export class FeedFanout<R extends FeedReceiver = FeedReceiver> {
  private readonly bySubject = new Map<string, Set<R>>();
  private readonly unindexed = new Set<R>();

  add(receiver: R): void {
    const subjects = receiver.filter.subject;
    if (!subjects) {
      this.unindexed.add(receiver);
      return;
    }
    for (const subject of subjects) {
      let followers = this.bySubject.get(subject);
      if (!followers) this.bySubject.set(subject, (followers = new Set()));
      followers.add(receiver);
    }
  }

  delete(receiver: R): void {
    this.unindexed.delete(receiver);
    for (const subject of receiver.filter.subject ?? []) {
      const followers = this.bySubject.get(subject);
      if (!followers) continue;
      followers.delete(receiver);
      if (followers.size === 0) this.bySubject.delete(subject);
    }
  }

  publish(changes: readonly FeedChange[]): void {
    for (const receiver of this.unindexed) receiver.receive(changes);
    if (this.bySubject.size === 0) return;
    const picked = new Map<R, FeedChange[]>();
    for (const change of changes) {
      const followers = this.bySubject.get(change.subject);
      if (!followers) continue;
      for (const receiver of followers) {
        const mine = picked.get(receiver);
        if (mine) mine.push(change);
        else picked.set(receiver, [change]);
      }
    }
    for (const [receiver, mine] of picked) receiver.receive(mine);
  }
}
