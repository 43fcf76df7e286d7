import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { aclEntries, AccessPlan, appGrants, KafkaOperation } from './kafka-access';

const plan: AccessPlan = {
  topics: { events: 'newsledger.events', statusChanges: 'newsledger.status-changes', dlq: 'newsledger.events.dlq' },
  projectorGroupId: 'newsledger-projector',
  inbound: { prefix: 'newsledger.inbound.', groupId: 'newsledger.events.admission' },
  principals: { ingest: 'ingest', projector: 'projector', query: 'query', cli: 'cli' },
};
const grants = appGrants(plan);
/** The users allowed `op` on the topic `name`. */
const allowed = (op: KafkaOperation, name: string) =>
  [...new Set(grants.filter((g) => g.resource === 'topic' && g.name === name && g.operations.includes(op)).map((g) => g.user))].sort();

describe('appGrants', () => {
  it('lets only the ingest API write the events topic, and only the projector write what it derives', () => {
    expect(allowed('Write', plan.topics.events)).toEqual(['ingest']);
    expect(allowed('Write', plan.topics.statusChanges)).toEqual(['projector']);
    expect(allowed('Write', plan.topics.dlq)).toEqual(['projector']);
  });

  it('lets the readers read, and the ingest API read only the desks\' inbound topics, in its admission group', () => {
    expect(allowed('Read', plan.topics.events)).toEqual(['cli', 'projector', 'query']);
    expect(allowed('Read', plan.topics.statusChanges)).toEqual(['query']);
    expect(allowed('Read', plan.topics.dlq)).toEqual(['cli', 'query']);
    expect(grants.filter((g) => g.user === 'ingest' && g.operations.includes('Read'))).toEqual([
      { user: 'ingest', resource: 'topic', name: 'newsledger.inbound.', prefixed: true, operations: ['Read', 'Describe'] },
      { user: 'ingest', resource: 'group', name: 'newsledger.events.admission', prefixed: false, operations: ['Read'] },
    ]);
    expect(grants.filter((g) => g.user === 'ingest' && g.operations.includes('Write')).map((g) => `${g.name}${g.prefixed ? '*' : ''}`))
      .toEqual([plan.topics.events, 'newsledger.inbound.rejections.*']);
  });

  it('grants no user anything on topics or groups outside the configuration, nor any right to alter or create', () => {
    const names = new Set([...Object.values(plan.topics), 'kafka-cluster', plan.projectorGroupId, plan.inbound.groupId]);
    for (const g of grants) {
      if (g.prefixed) {
        expect([`${plan.projectorGroupId}.`, `${plan.topics.statusChanges}.tail.`, `${plan.topics.dlq}.browse.`, plan.inbound.prefix, `${plan.inbound.prefix}rejections.`]).toContain(g.name);
      } else {
        expect(names).toContain(g.name);
      }
      if (g.resource === 'cluster') expect(g.operations).toEqual(['IdempotentWrite']);
    }
  });

  it('lets the direct publishers a deployment names write the events topic, and nothing else', () => {
    const direct = appGrants({ ...plan, directPublishers: ['wire-desk'] }).filter((g) => g.user === 'wire-desk');
    expect(direct).toEqual([
      { user: 'wire-desk', resource: 'topic', name: plan.topics.events, prefixed: false, operations: ['Write'] },
      { user: 'wire-desk', resource: 'cluster', name: 'kafka-cluster', prefixed: false, operations: ['IdempotentWrite'] },
    ]);
  });

  it('becomes one ALLOW binding per operation, literal or prefixed', () => {
    const entries = aclEntries(appGrants(plan));
    expect(entries).toContainEqual({
      resourceType: AclResourceTypes.TOPIC, resourceName: plan.topics.events, resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:ingest', host: '*', operation: AclOperationTypes.WRITE, permissionType: 3,
    });
    expect(entries).toContainEqual(expect.objectContaining({
      resourceType: AclResourceTypes.GROUP, resourceName: `${plan.topics.statusChanges}.tail.`, resourcePatternType: ResourcePatternTypes.PREFIXED, principal: 'User:query',
    }));
    expect(entries).toHaveLength(grants.reduce((n, g) => n + g.operations.length, 0));
  });
});
