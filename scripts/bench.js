#!/usr/bin/env node
// `npm run bench`: brings up Kafka and PostgreSQL when absent (the launcher `npm start` uses),
// builds, and runs the benchmark table (dist/bench/bench.js). Arguments go to the bench.
const { spawnSync, execSync } = require('node:child_process');
const path = require('node:path');
const { ensureInfra, stopOnSignals, kafkaEnv } = require('./infra');

const root = path.resolve(__dirname, '..');
const say = (msg) => console.error(`[bench] ${msg}`);

async function main() {
  const infra = await ensureInfra({ log: say });
  stopOnSignals(infra.stop);
  let status = 1;
  try {
    say('building…');
    execSync('npm run -s build', { cwd: root, stdio: 'inherit' });
    status = spawnSync(process.execPath, [path.join(root, 'dist', 'bench', 'bench.js'), ...process.argv.slice(2)], {
      cwd: root, stdio: 'inherit',
      // The broker lets no one in without a login: the bench and the apps it starts log in as the local admin.
      env: { ...process.env, ...kafkaEnv(infra.kafka) },
    }).status ?? 1;
  } finally {
    await infra.stop();
  }
  process.exit(status);
}

main().catch((e) => {
  say(e.stack || String(e));
  process.exit(1);
});
