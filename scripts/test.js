#!/usr/bin/env node
// `npm test`: brings up Kafka and the test database when absent, type-checks (tests included),
// checks dependency rules, builds (the crash test runs the compiled projector), then runs every
// jest tier. Extra arguments go to jest. Each run uses its own topics and consumer group.
const { spawnSync, execSync } = require('node:child_process');
const path = require('node:path');
const { ensureInfra, kafkaEnv } = require('./infra');
const { ensureBrowser } = require('./ensure-browser');

const root = path.resolve(__dirname, '..');
const say = (msg) => console.log(`[test] ${msg}`);

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

async function dropDatabase(url) {
  const { Client } = require('pg');
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = '/postgres';
  const client = new Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Deletes the run's topics (all named `<runId>.…`) and the ACLs its tests granted on them, so a
 * developer's broker does not collect them run after run.
 */
async function deleteTopics(kafka, runId) {
  const { Kafka, logLevel, AclResourceTypes, ResourcePatternTypes, AclOperationTypes, AclPermissionTypes } = require('kafkajs');
  const admin = new Kafka({ brokers: String(kafka.brokers).split(','), sasl: kafka.sasl, clientId: `${runId}-cleanup`, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const own = (await admin.listTopics()).filter((t) => t.startsWith(`${runId}.`));
    if (own.length > 0) await admin.deleteTopics({ topics: own });
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY,
    });
    const filters = resources
      .filter((r) => r.resourceName.startsWith(runId))
      .flatMap((r) => r.acls.map((a) => ({ ...a, resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: r.resourcePatternType })));
    if (filters.length > 0) await admin.deleteAcls({ filters });
  } finally {
    await admin.disconnect();
  }
}

/** The local Kafka admin's login as the key routes' `KAFKA_ADMIN_*`. */
function adminLogin(kafka) {
  const { KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD } = kafkaEnv(kafka);
  return { KAFKA_ADMIN_USERNAME: KAFKA_SASL_USERNAME, KAFKA_ADMIN_PASSWORD: KAFKA_SASL_PASSWORD };
}

async function main() {
  const runId = `t${Date.now().toString(36)}`;
  const databaseUrl = process.env.TEST_DATABASE_URL || `postgres://postgres@127.0.0.1:5432/newsledger_test_${runId}`;
  if (!/test/.test(new URL(databaseUrl).pathname)) throw new Error('the test database name must contain "test"');
  const infra = await ensureInfra({ databases: [databaseUrl], log: say });
  const env = {
    ...process.env,
    // The tests log in as the local admin user; a test of the apps' own users names them itself.
    ...kafkaEnv(infra.kafka),
    TEST_RUN_ID: runId,
    // A database of its own per run: its schema is exactly this checkout's migrations, whatever
    // other checkouts on the same server have migrated. Dropped at the end of the run.
    DATABASE_URL: databaseUrl,
    EVENTS_TOPIC: `${runId}.events`,
    STATUS_CHANGES_TOPIC: `${runId}.status-changes`,
    DLQ_TOPIC: `${runId}.events.dlq`,
    // Desks' inbound topics of the run (its clean-up deletes them); the query APIs make desks' Kafka users.
    INBOUND_TOPIC_PREFIX: `${runId}.inbound.`,
    ...adminLogin(infra.kafka),
    PROJECTOR_GROUP_ID: `${runId}-projector`,
    NEWSLEDGER_ADMIN_KEY: process.env.NEWSLEDGER_ADMIN_KEY || `test-admin-${runId}-0123456789`,
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    LOG_PRETTY: 'false',
    // Webhook tests deliver to receivers on loopback, and wait for retries in seconds, not hours.
    // Every query API of the run delivers (no leader), so these hold for the whole run.
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WEBHOOK_RETRY_BASE_MS: '100',
    WEBHOOK_RETRY_MAX_MS: '1000',
    WEBHOOK_RETRY_PERIOD_MS: '10000',
    WEBHOOK_TIMEOUT_MS: '2000',
    WEBHOOK_POLL_MS: '200',
    // Projectors spawned by the tests (several at once in the takeover test) take any free port
    // for /metrics, so they never clash with each other or with a running `npm start`.
    METRICS_PORT: '0',
  };
  let status = 0;
  try {
    say('type-checking (tests included)…');
    status = run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], env);
    if (status === 0) {
      say('checking dependency rules…');
      status = run('npx', ['depcruise', 'apps', 'libs', 'test', '--config', '.dependency-cruiser.js'], env);
    }
    if (status === 0) {
      say('building…');
      execSync('npm run -s build', { cwd: root, stdio: 'inherit', env });
      // The timeline page's browser test needs Chromium; without it that test fails and says why.
      ensureBrowser(say);
      status = run('npx', ['jest', '--ci', ...process.argv.slice(2)], env);
    }
  } finally {
    if (!process.env.TEST_DATABASE_URL) await dropDatabase(env.DATABASE_URL).catch((e) => say(`could not drop the run's database: ${e.message}`));
    await deleteTopics(infra.kafka, runId).catch((e) => say(`could not delete the run's topics: ${e.message}`));
    await infra.stop();
  }
  process.exit(status);
}

main().catch((e) => {
  console.error(`[test] ${e.stack || e}`);
  process.exit(1);
});
