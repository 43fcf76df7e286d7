#!/usr/bin/env node
// `npm run test:faults`: the slow fault suite (test/faults/*.fault-spec.ts). It brings up a Kafka
// broker and a PostgreSQL cluster of its own (other ports, throwaway data), which the tests stop,
// kill and restart; the shared broker and server are never touched. Builds first, into a folder
// of its own (the tests run the compiled apps as child processes for minutes: a build of dist/ by
// another command meanwhile must not swap their code; FAULTS_SKIP_BUILD=1 reuses the last one),
// then runs jest in band: the faults must not overlap. Extra arguments go to jest.
const { spawnSync, execSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { ensureKafka, stopKafka, layout } = require('./kafka/kafka');
const { createPostgresInstance } = require('./infra/postgres-instance');
const { kafkaEnv } = require('./infra');

const root = path.resolve(__dirname, '..');
const distDir = path.join(root, '.cache', 'faults', 'dist');
const say = (msg) => console.log(`[faults] ${msg}`);

/**
 * `npm run build` into distDir. Type errors do not stop it (tsc still emits, exit 2): `npm test`
 * is where types are checked; anything else does.
 */
function build() {
  const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', distDir, '--tsBuildInfoFile', path.join(distDir, '.tsbuildinfo')], { cwd: root, encoding: 'utf8' });
  if (tsc.status === 2) say(`type errors (npm test reports them); running what tsc emitted:\n${tsc.stdout.trim().split('\n').slice(0, 5).join('\n')}`);
  else if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status}):\n${tsc.stdout}${tsc.stderr}`);
  execSync(`npx tsc-alias -p tsconfig.build.json --outDir ${JSON.stringify(distDir)}`, { cwd: root, stdio: 'inherit' });
  // Files the apps serve as they are (see scripts/copy-assets.js).
  const copyAssets = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const from = path.join(dir, entry.name);
      if (entry.name === 'assets') fs.cpSync(from, path.join(distDir, path.relative(root, from)), { recursive: true });
      else copyAssets(from);
    }
  };
  copyAssets(path.join(root, 'apps'));
}

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `wanted` (and wanted+1 when `pair`) if free, else the next free one above it. */
async function choosePort(wanted, pair = false) {
  for (let port = wanted; port < wanted + 200; port += pair ? 2 : 1) {
    if ((await portFree(port)) && (!pair || (await portFree(port + 1)))) return port;
  }
  throw new Error(`no free port from ${wanted}`);
}

async function main() {
  const runId = `f${Date.now().toString(36)}`;
  const kafkaPort = await choosePort(Number(process.env.FAULT_KAFKA_PORT || 19392), true);
  const pgPort = await choosePort(Number(process.env.FAULT_PG_PORT || 55433));
  const brokers = `127.0.0.1:${kafkaPort}`;
  const logDir = path.join(root, '.cache', 'faults', runId);
  fs.mkdirSync(logDir, { recursive: true });

  // A fresh broker every run: its data dir is this port's own (see scripts/kafka/kafka.js).
  const { dataDir } = layout({ port: kafkaPort });
  fs.rmSync(dataDir, { recursive: true, force: true });
  say(`own Kafka on ${brokers}, own PostgreSQL on 127.0.0.1:${pgPort}; logs in ${path.relative(root, logDir)}`);
  const [kafka, pg] = await Promise.all([
    ensureKafka({ brokers, detached: false, log: (m) => say(`[kafka] ${m}`) }),
    createPostgresInstance({ port: pgPort, log: (m) => say(`[postgres] ${m}`) }),
  ]);
  if (!kafka.started) throw new Error(`something already answers on ${brokers}; set FAULT_KAFKA_PORT`);

  const env = {
    ...process.env,
    // The suite and its apps log in as the local admin user (the broker takes SASL logins only).
    ...kafkaEnv(kafka),
    DATABASE_URL: pg.url(`newsledger_test_${runId}`),
    NEWSLEDGER_ADMIN_KEY: process.env.NEWSLEDGER_ADMIN_KEY || `fault-admin-${runId}-0123456789`,
    LOG_LEVEL: process.env.LOG_LEVEL || 'warn',
    LOG_PRETTY: 'false',
    FAULT_KAFKA_PORT: String(kafkaPort),
    FAULT_PG_DIR: pg.dir,
    FAULT_PG_PORT: String(pgPort),
    FAULT_LOG_DIR: logDir,
    FAULT_DIST_DIR: distDir,
  };
  let status = 1;
  try {
    if (process.env.FAULTS_SKIP_BUILD !== '1') {
      say(`building into ${path.relative(root, distDir)}…`);
      build();
    }
    status = spawnSync('npx', ['jest', '-c', 'jest.faults.config.js', '--ci', '--runInBand', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env }).status ?? 1;
  } finally {
    // A test may have restarted the broker: stop whichever runs on this port, then drop its data.
    await kafka.stop();
    await stopKafka({ port: kafkaPort, log: () => {} });
    fs.rmSync(dataDir, { recursive: true, force: true });
    await pg.remove();
    if (status === 0) fs.rmSync(logDir, { recursive: true, force: true });
    else say(`app and broker logs kept in ${path.relative(root, logDir)}`);
  }
  process.exit(status);
}

main().catch((e) => {
  console.error(`[faults] ${e.stack || e}`);
  process.exit(1);
});
