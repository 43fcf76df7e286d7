import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, ResourcePatternTypes } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { deskGroupPrefix, deskNameRefusal, deskTopics, deskUser } from './desk-topics';
import { grantAccess, KafkaGrant } from './kafka-access';
import { deleteScramUser, upsertScramUser } from './scram-users';
import { withAdmin } from './topics';

/**
 * A desk's rights, and nothing else: write its inbound topic; read its rejections topic, in
 * consumer groups named after its user. It can neither write the events topic nor read or write
 * another desk's topics.
 */
export function deskGrants(prefix: string, name: string): KafkaGrant[] {
  const user = deskUser(name);
  const topics = deskTopics(prefix, name);
  return [
    { user, resource: 'topic', name: topics.inbound, prefixed: false, operations: ['Write', 'Describe'] },
    { user, resource: 'topic', name: topics.rejections, prefixed: false, operations: ['Read', 'Describe'] },
    { user, resource: 'group', name: deskGroupPrefix(name), prefixed: true, operations: ['Read'] },
  ];
}

/** What a desk is given to publish on Kafka; the password is shown once and stored nowhere. */
export type DeskCredentials = {
  mechanism: 'scram-sha-512';
  username: string;
  password: string;
  brokers: string[];
  topic: string;
  rejectionsTopic: string;
  /** The prefix its consumer groups must start with to read `rejectionsTopic`. */
  groupPrefix: string;
};

/** A desk's inbound topic has a few partitions, so one busy desk is admitted by several ingest APIs. */
const INBOUND_PARTITIONS = 3;

/**
 * Makes desk `name` a Kafka publisher through the broker's own SASL/SCRAM and ACLs, logged in as a
 * user allowed to alter the cluster (the Kafka admin): its two topics, its SCRAM-SHA-512 user with
 * a new password, and its ACLs. Run again, it gives the desk a new password.
 */
export async function provisionDesk(kafka: Kafka, settings: { prefix: string; brokers: readonly string[] }, name: string): Promise<DeskCredentials> {
  const topics = deskTopics(settings.prefix, name);
  await withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const keep = [{ name: 'retention.ms', value: String(7 * 24 * 3600 * 1000) }];
    const wanted = [
      { topic: topics.inbound, numPartitions: INBOUND_PARTITIONS, replicationFactor: 1, configEntries: keep },
      { topic: topics.rejections, numPartitions: 1, replicationFactor: 1, configEntries: keep },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length === 0) return;
    await admin.createTopics({ topics: wanted, waitForLeaders: true }).catch((e: { type?: string }) => {
      if (e.type !== 'TOPIC_ALREADY_EXISTS') throw e;
    });
  });
  const username = deskUser(name);
  const password = randomBytes(24).toString('base64url');
  await upsertScramUser(kafka, username, password);
  await grantAccess(kafka, deskGrants(settings.prefix, name));
  return {
    mechanism: 'scram-sha-512',
    username,
    password,
    brokers: [...settings.brokers],
    topic: topics.inbound,
    rejectionsTopic: topics.rejections,
    groupPrefix: deskGroupPrefix(name),
  };
}

/**
 * Takes a desk's Kafka user away: its SCRAM credential (no new login succeeds) and every ACL of its
 * principal. A connection it already holds keeps its session until it closes; the ingest API
 * refuses what arrives from a revoked desk all the same. Its topics stay, with what it sent.
 */
export async function revokeDesk(kafka: Kafka, username: string): Promise<void> {
  await deleteScramUser(kafka, username);
  await withAdmin(kafka, (admin) =>
    admin.deleteAcls({
      filters: [{
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal: `User:${username}`,
        host: '*',
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      }],
    }),
  );
}

/** Desks on Kafka for the key store (its `KafkaDesks`), through a client logged in as a Kafka admin. */
export class KafkaDeskAccess {
  constructor(private readonly kafka: Kafka, private readonly settings: { prefix: string; brokers: readonly string[] }) {}

  refusal(name: string): string | undefined {
    return deskNameRefusal(name);
  }

  userOf(name: string): string {
    return deskUser(name);
  }

  provision(name: string): Promise<DeskCredentials> {
    return provisionDesk(this.kafka, this.settings, name);
  }

  revoke(username: string): Promise<void> {
    return revokeDesk(this.kafka, username);
  }
}
