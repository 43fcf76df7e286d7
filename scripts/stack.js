#!/usr/bin/env node
// `npm start`: brings up Kafka and PostgreSQL when absent, builds, and runs every app in the
// foreground with prefixed logs. Ctrl-C stops the apps, then the broker if this script started it.
const { spawn, execSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { ensureInfra } = require('./infra');

const root = path.resolve(__dirname, '..');
const APPS = ['projector', 'ingest-api', 'query-api'];
const COLOURS = { projector: 35, 'ingest-api': 36, 'query-api': 33, stack: 32 };
const tty = process.stdout.isTTY;
const tag = (name) => (tty ? `\x1b[${COLOURS[name]}m[${name}]\x1b[0m` : `[${name}]`);
// The projector's heap is capped so it collects early instead of growing with the backlog it
// catches up on; its young generation is larger than the default, so a batch's short-lived
// objects die there instead of being promoted and collected by full GCs (the same flags are in
// docker/docker-compose.yml and the bench's launcher).
const NODE_ARGS = { projector: ['--max-old-space-size=384', '--max-semi-space-size=32'] };
const say = (msg) => console.log(`${tag('stack')} ${msg}`);

function adminKey() {
  if (process.env.NEWSLEDGER_ADMIN_KEY) return process.env.NEWSLEDGER_ADMIN_KEY;
  const file = path.join(root, '.cache', 'admin-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `dev-${crypto.randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

async function main() {
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/newsledger';
  const infra = await ensureInfra({ databases: [databaseUrl], log: say });
  say('building…');
  execSync('npm run -s build', { cwd: root, stdio: 'inherit' });

  const env = { ...process.env, DATABASE_URL: databaseUrl, NEWSLEDGER_ADMIN_KEY: adminKey(), LOG_PRETTY: process.env.LOG_PRETTY || String(Boolean(tty)) };
  const children = new Map();
  let stopping = false;

  async function stopAll(code) {
    if (stopping) return;
    stopping = true;
    say('stopping apps…');
    await Promise.all([...children.values()].map((c) => new Promise((resolve) => {
      if (c.exitCode !== null) return resolve();
      c.once('exit', resolve);
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
    })));
    await infra.stop();
    say('stopped');
    process.exit(code);
  }
  process.on('SIGINT', () => void stopAll(130));
  process.on('SIGTERM', () => void stopAll(143));

  for (const app of APPS) {
    const child = spawn(process.execPath, ['--enable-source-maps', ...(NODE_ARGS[app] ?? []), path.join(root, 'dist', 'apps', app, 'src', 'main.js')], {
      cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(app, child);
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => console.log(`${tag(app)} ${line}`));
    }
    child.on('exit', (code, signal) => {
      if (stopping) return;
      say(`${app} exited (${signal ?? code}); stopping the stack`);
      void stopAll(1);
    });
  }
  say(`ingest API http://127.0.0.1:${env.INGEST_PORT || 3000}  query API http://127.0.0.1:${env.QUERY_PORT || 3001}`);
  say(`admin key: ${env.NEWSLEDGER_ADMIN_KEY}   (Ctrl-C stops everything)`);
}

main().catch((e) => {
  console.error(`${tag('stack')} ${e.stack || e}`);
  process.exit(1);
});
