import { loadConfig } from '@newsledger/config';
import { appGrants, createKafka, ensureTopics, grantAccess, KafkaGrant } from '@newsledger/event-log';
import { Command } from 'commander';

/** One readable line per grant. */
export function formatGrant(g: KafkaGrant): string {
  return `User:${g.user}  ${g.operations.join(',')}  ${g.resource} ${g.name}${g.prefixed ? '*' : ''}`;
}

/**
 * `newsledger kafka-access`: what a deployment runs once, as the Kafka admin user, before the
 * apps start (npm start and docker compose do): the topics, and each app's user's rights on them.
 */
export function registerKafkaAccessCommand(program: Command): void {
  program
    .command('kafka-access')
    .description("create the topics and grant each app's Kafka user its rights on them; run as the Kafka admin user (KAFKA_SASL_USERNAME)")
    .option('--dry-run', 'print the grants without creating anything')
    .action(async (o: { dryRun?: boolean }) => {
      const config = loadConfig();
      const grants = appGrants({
        topics: config.kafka.topics,
        projectorGroupId: config.kafka.projectorGroupId,
        inbound: config.kafka.inbound,
        principals: config.kafka.principals,
        directPublishers: config.kafka.directPublishers,
      });
      for (const g of grants) process.stdout.write(`${formatGrant(g)}\n`);
      if (o.dryRun) return;
      const kafka = createKafka({ brokers: config.kafka.brokers, sasl: config.kafka.sasl, clientId: `${config.kafka.clientId}-cli` });
      const created = await ensureTopics(kafka, { ...config.kafka.topics, eventsPartitions: config.kafka.eventsPartitions });
      const bindings = await grantAccess(kafka, grants);
      process.stdout.write(`ok: ${created.length} topics created${created.length ? ` (${created.join(', ')})` : ''}, ${bindings} ACL bindings in place\n`);
    });
}
