#!/usr/bin/env node
// `npm start`: brings up Kafka and PostgreSQL when absent, builds, and runs every app in the
// foreground with prefixed logs. Ctrl-C stops the apps, then the broker if this script started it.
const { spawn, execSync, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { ensureInfra, kafkaEnv } = require('./infra');

const root = path.resolve(__dirname, '..');
const APPS = ['projector', 'ingest-api', 'query-api'];
/** Each app logs in to Kafka as its own user, which `newsledger kafka-access` grants only what that app needs. */
const KAFKA_USERS = { projector: 'newsledger-projector', 'ingest-api': 'newsledger-ingest', 'query-api': 'newsledger-query' };
const COLOURS = { projector: 35, 'ingest-api': 36, 'query-api': 33, stack: 32 };
const tty = process.stdout.isTTY;
// The apps write one readable line per record at a terminal, JSON otherwise (or as LOG_FORMAT says).
const pretty = process.env.LOG_FORMAT ? process.env.LOG_FORMAT === 'pretty' : process.env.LOG_PRETTY ? process.env.LOG_PRETTY === 'true' : Boolean(tty);
const colour = Boolean(tty) && !process.env.NO_COLOR;
const paint = (code, text) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
const tag = (name) => paint(COLOURS[name], name);
const pad2 = (n) => String(n).padStart(2, '0');
const localTime = (d = new Date()) => `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
/** A line of the stack's own, or one an app wrote outside its logger (a crash), in the apps' format. */
function line(app, msg, level = 'info') {
  if (!pretty) return JSON.stringify({ level: level === 'error' ? 50 : 30, time: Date.now(), app, msg });
  return `${paint(2, localTime())} ${paint(level === 'error' ? 31 : 32, level.toUpperCase().padEnd(5))} ${tag(app)} ${msg}`;
}
// A record the app's logger wrote: readable ones start with the time (maybe coloured), JSON ones with "{".
const RECORD = /^\d\d:\d\d:\d\d\.\d{3} |^\{"level"/;
const plain = (text) => text.replace(/\x1b\[[\d;]*m/g, '');
/** The app's name coloured in a readable record, so the apps stand apart as they did with prefixes. */
const colourApp = (app, text) => (colour ? text.replace(` ${app} `, ` ${tag(app)} `) : text);
// The projector's heap is capped so it collects early instead of growing with the backlog it
// catches up on; its young generation is larger than the default, so a batch's short-lived
// objects die there instead of being promoted and collected by full GCs (the same flags are in
// docker/docker-compose.yml and the bench's launcher).
const NODE_ARGS = { projector: ['--max-old-space-size=384', '--max-semi-space-size=32'] };
const say = (msg) => console.log(line('stack', msg));

/**
 * The query API also holds the local Kafka admin's login, with which it makes a desk's Kafka user
 * when a key is created with `"kafka": true` (its own user may not alter the cluster).
 */
function kafkaAdmin(kafka) {
  const { KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD } = kafkaEnv(kafka);
  return { KAFKA_ADMIN_USERNAME: KAFKA_SASL_USERNAME, KAFKA_ADMIN_PASSWORD: KAFKA_SASL_PASSWORD };
}

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

  const env = {
    ...process.env,
    KAFKA_BROKERS: infra.kafka.brokers,
    DATABASE_URL: databaseUrl,
    NEWSLEDGER_ADMIN_KEY: adminKey(),
    LOG_FORMAT: pretty ? 'pretty' : 'json',
    // The apps write to a pipe: colour only when this script's own output is a terminal.
    ...(colour ? {} : { NO_COLOR: '1' }),
  };
  say('creating the topics and granting each app its Kafka rights…');
  execFileSync(process.execPath, [path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js'), 'kafka-access'], {
    cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: { ...env, ...kafkaEnv(infra.kafka) },
  });
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
      cwd: root, env: { ...env, ...kafkaEnv(infra.kafka, KAFKA_USERS[app]), ...(app === 'query-api' ? kafkaAdmin(infra.kafka) : {}) }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(app, child);
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (text) => console.log(RECORD.test(plain(text)) ? colourApp(app, text) : line(app, text, stream === child.stderr ? 'error' : 'info')));
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
  console.error(line('stack', e.stack || String(e), 'error'));
  process.exit(1);
});
