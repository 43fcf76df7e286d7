import { AclEntry, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, ResourcePatternTypes } from 'kafkajs';
import { deskTopics } from './desk-topics';
import { withAdmin } from './topics';

/** The operations newsledger grants, by their Kafka names. */
export type KafkaOperation = 'Read' | 'Write' | 'Describe' | 'DescribeConfigs' | 'IdempotentWrite';

/** One ACL binding: a user may do these operations on these resources, from any host. */
export interface KafkaGrant {
  /** The Kafka user (principal `User:<name>`). */
  user: string;
  resource: 'topic' | 'group' | 'cluster';
  /** The resource's name, or its prefix when `prefixed`; `kafka-cluster` for the cluster. */
  name: string;
  prefixed: boolean;
  operations: KafkaOperation[];
}

/** What the grants are about: the configured topics, the projector's group and each app's user. */
export interface AccessPlan {
  topics: { events: string; statusChanges: string; dlq: string };
  projectorGroupId: string;
  /** Desks' inbound topics (`<prefix><desk>`) and the ingest APIs' consumer group on them. */
  inbound: { prefix: string; groupId: string };
  principals: { ingest: string; projector: string; query: string; cli: string };
  /** Users let write the events topic directly (`KAFKA_DIRECT_PUBLISHERS`); none by default. */
  directPublishers?: readonly string[];
}

const topic = (user: string, name: string, operations: KafkaOperation[]): KafkaGrant => ({ user, resource: 'topic', name, prefixed: false, operations });
const groupsStarting = (user: string, prefix: string): KafkaGrant => ({ user, resource: 'group', name: prefix, prefixed: true, operations: ['Read'] });
const cluster = (user: string, operations: KafkaOperation[]): KafkaGrant => ({ user, resource: 'cluster', name: 'kafka-cluster', prefixed: false, operations });

/**
 * Each app's rights, and nothing more: the broker refuses whatever is not granted here (and
 * anyone not logged in). Every app may see the three topics and read the events topic's settings,
 * which is what its start-up check of the topics needs; the topics themselves are created by the
 * admin user (`newsledger kafka-access`), not by the apps.
 *
 * | user      | events       | status changes | dead letters | consumer groups                                   |
 * |-----------|--------------|----------------|--------------|---------------------------------------------------|
 * | ingest    | write        |                |              | `<admission group>`                               |
 * | projector | read         | write          | write        | `<projector group>`, `<projector group>.*`         |
 * | query     | read         | read           | read         | `<projector group>.*`, `<status>.tail.*`, `<dlq>.browse.*` |
 * | cli       | read         |                | read         | `<projector group>.*`, `<dlq>.browse.*`            |
 *
 * The ingest user also reads every desk's inbound topic (`<inbound prefix>*`) and writes every
 * desk's rejections topic (`<inbound prefix>rejections.*`): it admits what desks publish. A desk's
 * own rights are granted when its key is made (see `deskGrants`).
 *
 * A direct publisher named by the deployment may write the events topic, and nothing else.
 */
export function appGrants(plan: AccessPlan): KafkaGrant[] {
  const { topics: t, projectorGroupId: group, principals: p } = plan;
  const seeTopics = (user: string) => [
    topic(user, t.events, ['Describe', 'DescribeConfigs']),
    topic(user, t.statusChanges, ['Describe']),
    topic(user, t.dlq, ['Describe']),
  ];
  return [
    ...seeTopics(p.ingest),
    topic(p.ingest, t.events, ['Write']),
    cluster(p.ingest, ['IdempotentWrite']),
    { user: p.ingest, resource: 'topic', name: plan.inbound.prefix, prefixed: true, operations: ['Read', 'Describe'] },
    { user: p.ingest, resource: 'topic', name: deskTopics(plan.inbound.prefix, '').rejections, prefixed: true, operations: ['Write'] },
    { user: p.ingest, resource: 'group', name: plan.inbound.groupId, prefixed: false, operations: ['Read'] },

    ...seeTopics(p.projector),
    topic(p.projector, t.events, ['Read']),
    topic(p.projector, t.statusChanges, ['Write']),
    topic(p.projector, t.dlq, ['Write']),
    cluster(p.projector, ['IdempotentWrite']),
    { user: p.projector, resource: 'group', name: group, prefixed: false, operations: ['Read'] },
    // its log-identity checks read with groups of their own
    groupsStarting(p.projector, `${group}.`),

    ...seeTopics(p.query),
    topic(p.query, t.events, ['Read']),
    topic(p.query, t.statusChanges, ['Read']),
    topic(p.query, t.dlq, ['Read']),
    // verify and rebuild, the feed's tails, the dead-letter pages
    groupsStarting(p.query, `${group}.`),
    groupsStarting(p.query, `${t.statusChanges}.tail.`),
    groupsStarting(p.query, `${t.dlq}.browse.`),

    ...seeTopics(p.cli),
    topic(p.cli, t.events, ['Read']),
    topic(p.cli, t.dlq, ['Read']),
    // rebuild, verify and replay; dead-letters
    groupsStarting(p.cli, `${group}.`),
    groupsStarting(p.cli, `${t.dlq}.browse.`),

    ...(plan.directPublishers ?? []).flatMap((user) => [topic(user, t.events, ['Write']), cluster(user, ['IdempotentWrite'])]),
  ];
}

const OPERATIONS: Record<KafkaOperation, AclOperationTypes> = {
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Describe: AclOperationTypes.DESCRIBE,
  DescribeConfigs: AclOperationTypes.DESCRIBE_CONFIGS,
  IdempotentWrite: AclOperationTypes.IDEMPOTENT_WRITE,
};
const RESOURCES = { topic: AclResourceTypes.TOPIC, group: AclResourceTypes.GROUP, cluster: AclResourceTypes.CLUSTER } as const;

/** The broker's ACL bindings of some grants (one per operation). */
export function aclEntries(grants: readonly KafkaGrant[]): AclEntry[] {
  return grants.flatMap((g) =>
    g.operations.map((op) => ({
      resourceType: RESOURCES[g.resource],
      resourceName: g.name,
      resourcePatternType: g.prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
      principal: `User:${g.user}`,
      host: '*',
      operation: OPERATIONS[op],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/**
 * Creates the ACLs of `grants` on the broker (CreateAcls: the client must be allowed to alter the
 * cluster, as the admin user is). A binding that exists already is left as it is.
 */
export async function grantAccess(kafka: Kafka, grants: readonly KafkaGrant[]): Promise<number> {
  const acl = aclEntries(grants);
  await withAdmin(kafka, (admin) => admin.createAcls({ acl }));
  return acl.length;
}
