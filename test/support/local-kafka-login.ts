import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Logs the tests in to the local broker as its admin user when the environment names no Kafka
 * user: scripts/test.js sets one, a jest run started by hand finds it in the local credentials
 * (scripts/kafka/kafka.js writes them). Tests of the apps' own users name those themselves.
 */
export function useLocalKafkaLogin(env: NodeJS.ProcessEnv = process.env): void {
  if (env.KAFKA_SASL_USERNAME) return;
  let creds: LocalKafkaUsers;
  try {
    creds = localKafkaUsers();
  } catch {
    return;
  }
  Object.assign(env, { KAFKA_SASL_MECHANISM: creds.mechanism, KAFKA_SASL_USERNAME: creds.admin, KAFKA_SASL_PASSWORD: creds.users[creds.admin] });
}

/** The local broker's users and passwords, as scripts/kafka/kafka.js made them. */
export interface LocalKafkaUsers {
  mechanism: 'scram-sha-512';
  admin: string;
  users: Record<string, string>;
}

export function localKafkaUsers(): LocalKafkaUsers {
  return JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '.cache', 'kafka', 'credentials.json'), 'utf8')) as LocalKafkaUsers;
}
