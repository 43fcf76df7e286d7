/** The word after the inbound prefix that starts every desk's rejections topic, so no desk may be named after it. */
const REJECTIONS = 'rejections';

/** Where a desk publishes on Kafka, and where it reads what was refused. */
export interface DeskTopics {
  /** `<prefix><desk>`, e.g. `newsledger.inbound.reuters-desk`: only the desk may write it. */
  inbound: string;
  /** `<prefix>rejections.<desk>`: only the desk may read it. */
  rejections: string;
}

/** The topics of desk `name` under the inbound prefix (`INBOUND_TOPIC_PREFIX`, `newsledger.inbound.` by default). */
export function deskTopics(prefix: string, name: string): DeskTopics {
  return { inbound: `${prefix}${name}`, rejections: `${prefix}${REJECTIONS}.${name}` };
}

/** The Kafka user of desk `name`: its own principal, apart from the apps'. */
export function deskUser(name: string): string {
  return `desk.${name}`;
}

/**
 * Why a key name cannot be a desk on Kafka, if it cannot: a desk named `rejections` or
 * `rejections.x` would publish to another desk's rejections topic.
 */
export function deskNameRefusal(name: string): string | undefined {
  return name === REJECTIONS || name.startsWith(`${REJECTIONS}.`)
    ? `a key on Kafka may not be named "${REJECTIONS}" or "${REJECTIONS}.…" (its inbound topic would be a rejections topic); choose another name`
    : undefined;
}

/** A desk's consumer groups start with this: to read its rejections topic with a group of its own. */
export function deskGroupPrefix(name: string): string {
  return `${deskUser(name)}.`;
}
