#!/usr/bin/env node
'use strict';
/**
 * Makes sure the PostgreSQL server answers and the project's database exists.
 * Plain CommonJS, no build step.
 *
 *   const { ensurePostgres, ensureDatabase } = require('./scripts/infra/postgres');
 *   await ensurePostgres({ url, log });  // -> { url, database, serverStarted, created }
 *   await ensureDatabase(url);           // -> true when it created the database
 *
 * CLI: node scripts/infra/postgres.js [url ...]   (default DATABASE_URL or
 *      postgres://postgres@127.0.0.1:5432/newsledger)
 *
 * When the server does not answer on a local address and Debian's pg_ctlcluster exists,
 * it runs `pg_ctlcluster --skip-systemctl-redirect <version> main start` for each
 * /etc/postgresql/<version>, then waits. It never stops a server it started: PostgreSQL is
 * shared with other projects on the machine.
 */

const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/newsledger';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const defaultLog = (msg) => console.log(`[postgres] ${msg}`);

function pg() {
  return require('pg');
}

/** { admin: url of the `postgres` maintenance db on the same server, database, host, port, redacted } */
function parseUrl(url) {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`no database name in ${redact(url)}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return { admin: admin.toString(), database, host: u.hostname || 'localhost', port: Number(u.port || 5432), redacted: redact(url) };
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return String(url);
  }
}

async function withClient(url, fn, connectTimeoutMs = 3000) {
  const client = new (pg().Client)({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function canConnect(url) {
  try {
    await withClient(url, (c) => c.query('select 1'), 2000);
    return true;
  } catch (e) {
    return e;
  }
}

/** Errors that mean "no server there (yet)" rather than "wrong credentials" and the like. */
function isUnreachable(err) {
  return (
    ['ECONNREFUSED', 'ENOENT', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET'].includes(err.code) ||
    err.code === '57P03' || // cannot_connect_now: starting up / shutting down
    /timeout|terminated unexpectedly/i.test(err.message)
  );
}

/** Debian clusters (/etc/postgresql/<version>/main) configured for `port`. */
function localClusters(port) {
  const pgctl = '/usr/bin/pg_ctlcluster';
  if (!fs.existsSync(pgctl) || !fs.existsSync('/etc/postgresql')) return [];
  return fs
    .readdirSync('/etc/postgresql')
    .filter((v) => {
      try {
        const conf = fs.readFileSync(`/etc/postgresql/${v}/main/postgresql.conf`, 'utf8');
        const m = /^\s*port\s*=\s*(\d+)/m.exec(conf);
        return Number(m ? m[1] : 5432) === port;
      } catch {
        return false;
      }
    })
    .map((v) => ({ version: v, cmd: [pgctl, '--skip-systemctl-redirect', v, 'main', 'start'] }));
}

/** Tries to start the local Debian cluster on `port`; true when a start command succeeded. */
function startLocalServer(port, log) {
  let ok = false;
  for (const { version, cmd } of localClusters(port)) {
    log(`server not reachable; starting local cluster ${version}/main (pg_ctlcluster)`);
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
    const out = `${r.stdout || ''}${r.stderr || ''}`.trim();
    if (r.status === 0) ok = true;
    else log(`pg_ctlcluster ${version} main start failed (exit ${r.status}): ${out || r.error?.message}`);
  }
  return ok;
}

/** Creates the database of `url` when it is missing; true when this call created it. */
async function ensureDatabase(url) {
  const { admin, database } = parseUrl(url);
  return withClient(admin, async (c) => {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [database]);
    if (rowCount) return false;
    try {
      await c.query(`create database ${c.escapeIdentifier(database)}`);
      return true;
    } catch (e) {
      // 42P04 duplicate_database: a concurrent caller won. 23505: the same race seen on pg_database's index.
      if (e.code === '42P04' || e.code === '23505') return false;
      throw e;
    }
  });
}

/**
 * Reaches the server of `url` (via its `postgres` database), starting the local cluster when
 * it is down, then creates the target database when missing.
 */
async function ensurePostgres({
  url = process.env.DATABASE_URL || DEFAULT_URL,
  log = defaultLog,
  timeoutMs = Number(process.env.POSTGRES_START_TIMEOUT_MS || 30_000),
} = {}) {
  log = log || (() => {});
  const { admin, database, host, port, redacted } = parseUrl(url);
  let serverStarted = false;
  let res = await canConnect(admin);
  if (res !== true) {
    const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host) || host.startsWith('/');
    if (!isUnreachable(res)) throw new Error(`PostgreSQL at ${redact(admin)}: ${res.message}`);
    if (!local) throw new Error(`PostgreSQL at ${redact(admin)} is not reachable (${res.code || res.message}), and it is not local`);
    const tried = startLocalServer(port, log);
    serverStarted = tried;
    const deadline = Date.now() + (tried ? timeoutMs : 2000);
    while (res !== true && Date.now() < deadline) {
      await sleep(300);
      res = await canConnect(admin);
    }
    if (res !== true) {
      throw new Error(
        `PostgreSQL is not reachable at ${host}:${port} (${res.code || res.message}). ` +
          (tried
            ? 'pg_ctlcluster start ran but the server did not answer; see /var/log/postgresql/.'
            : `No local cluster to start on port ${port} (pg_ctlcluster, /etc/postgresql/*/main); start PostgreSQL or set DATABASE_URL.`),
      );
    }
  }
  const created = await ensureDatabase(url);
  if (created) log(`created database ${database}`);
  return { url: redacted, database, serverStarted, created };
}

module.exports = { ensurePostgres, ensureDatabase, parseUrl, DEFAULT_URL };

if (require.main === module) {
  const urls = process.argv.slice(2);
  (async () => {
    for (const url of urls.length ? urls : [process.env.DATABASE_URL || DEFAULT_URL]) {
      const r = await ensurePostgres({ url });
      defaultLog(`${r.database}: ${r.created ? 'created' : 'exists'}${r.serverStarted ? ' (server started)' : ''}`);
    }
  })().then(
    () => process.exit(0),
    (e) => {
      console.error(`[postgres] ${e.message}`);
      process.exit(1);
    },
  );
}
