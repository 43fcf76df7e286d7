import { register } from 'tsconfig-paths';
import * as path from 'node:path';

/** Creates and migrates the test database and creates this run's topics, once per jest run. */
export default async function globalSetup(): Promise<void> {
  // Jest loads global setup outside its module mapper: resolve @newsledger/* the way tsc does.
  const root = path.resolve(__dirname, '..', '..');
  const { compilerOptions } = require(path.join(root, 'tsconfig.json')) as { compilerOptions: { paths: Record<string, string[]> } };
  const unregister = register({ baseUrl: root, paths: compilerOptions.paths });
  try {
    (await import('./local-kafka-login')).useLocalKafkaLogin();
    const { loadConfig } = await import('@newsledger/config');
    const { createKafka, ensureTopics } = await import('@newsledger/event-log');
    const { openDataSource } = await import('@newsledger/persistence');
    const config = loadConfig();
    if (!new URL(config.database.url).pathname.includes('test')) {
      throw new Error(`refusing to run tests against ${config.database.url}: the database name must contain "test"`);
    }
    const ds = await openDataSource(config.database.url, 2);
    await ds.destroy();
    const kafka = createKafka({ brokers: config.kafka.brokers, sasl: config.kafka.sasl, clientId: 'newsledger-test-setup' });
    await ensureTopics(kafka, { ...config.kafka.topics, eventsPartitions: config.kafka.eventsPartitions });
  } finally {
    unregister();
  }
}
