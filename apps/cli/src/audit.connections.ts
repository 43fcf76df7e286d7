import { loadConfig, NewsledgerConfig } from '@newsledger/config';
import { createKafka, KafkaClient } from '@newsledger/event-log';
import { openDataSource } from '@newsledger/persistence';
import { DataSource } from 'typeorm';

/** What the audit commands work with: the configuration, and PostgreSQL and Kafka when asked for. */
export interface AuditConnections {
  config: NewsledgerConfig;
  db: DataSource;
  kafka: KafkaClient;
}

/** Opens the database (the configured schema) and a Kafka client for one command, and closes them after. */
export async function withConnections<T>(fn: (c: AuditConnections) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDataSource(config.database.url, 4, config.database.schema);
  try {
    return await fn({ config, db, kafka: createKafka({ brokers: config.kafka.brokers, sasl: config.kafka.sasl, clientId: `${config.kafka.clientId}-cli` }) });
  } finally {
    await db.destroy();
  }
}

/** An error whose exit code the CLI's main passes on. */
export class CommandFailed extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}
