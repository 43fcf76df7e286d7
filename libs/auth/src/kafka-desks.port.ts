/** What a desk is given to publish on Kafka: its login (shown once) and its topics. */
export interface KafkaDeskLogin {
  username: string;
  password: string;
  [more: string]: unknown;
}

/**
 * Gives a key's desk a Kafka user of its own, allowed to publish to its inbound topic only, and
 * takes it away (libs/event-log does it with the broker's SCRAM users and ACLs).
 */
export interface KafkaDesks {
  /** Why `name` cannot be a desk on Kafka, if it cannot. */
  refusal(name: string): string | undefined;
  /** The Kafka user desk `name` gets. */
  userOf(name: string): string;
  /** Makes the user, its topics and ACLs (again, with a new password, if they exist). */
  provision(name: string): Promise<KafkaDeskLogin>;
  /** Removes the user's login and ACLs. */
  revoke(username: string): Promise<void>;
}

/** Stable codes of a key on Kafka not made or not revoked. */
export type KafkaDeskErrorCode = 'kafka_desk_refused' | 'kafka_desk_exists' | 'kafka_unavailable';

/**
 * A key on Kafka that could not be made (nothing was kept), or whose Kafka user could not be
 * removed (the key itself is revoked): `kafka_desk_refused` (400: name or scopes),
 * `kafka_desk_exists` (409), `kafka_unavailable` (503: the broker refused or did not answer).
 */
export class KafkaDeskError extends Error {
  override readonly name = 'KafkaDeskError';
  constructor(readonly code: KafkaDeskErrorCode, message: string) {
    super(message);
  }
}
