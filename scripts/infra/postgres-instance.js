#!/usr/bin/env node
'use strict';
/**
 * A throwaway PostgreSQL cluster of its own: initdb into a temporary directory, its own port and
 * socket directory. The fault tests stop, kill and restart it; the shared server on 5432 is never
 * touched. Plain CommonJS, no build step.
 *
 *   const { createPostgresInstance } = require('./scripts/infra/postgres-instance');
 *   const pg = await createPostgresInstance({ port: 55433 });   // initdb + start
 *   pg.url('newsledger_test')                                   // postgres://postgres@127.0.0.1:55433/newsledger_test
 *   await pg.stop({ mode: 'fast' });  await pg.start();  await pg.remove();
 *
 * PostgreSQL refuses to run as root: when we are root, every server command runs as the
 * `postgres` user (runuser) and the directory is handed to that user. A watchdog (`sh`, own
 * session) stops the server and removes the directory when the owning process is gone, so a
 * killed test run leaves nothing running.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

/** The newest /usr/lib/postgresql/<v>/bin holding initdb (PG_BIN_DIR overrides). */
function findBinDir() {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error(`no PostgreSQL server binaries under ${base}; set PG_BIN_DIR to the folder holding initdb and pg_ctl`);
  return path.join(base, versions[0], 'bin');
}

function run(cmd, args, { asUser } = {}) {
  const [file, argv] = asUser ? ['runuser', ['-u', asUser, '--', cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (error) => resolve({ status: null, out: `${out}${error.message}` }));
    child.on('close', (status) => resolve({ status, out }));
  });
}

async function must(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.status}):\n${r.out.trim()}`);
  return r.out;
}

function postmasterPid(dataDir) {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0], 10);
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function serverUser() {
  return process.getuid && process.getuid() === 0 ? 'postgres' : undefined;
}

/**
 * The controls of an instance living in `dir` (made by {@link createPostgresInstance}, possibly
 * in another process: the fault tests restart the runner's instance this way).
 */
function postgresInstanceAt({ dir, port, binDir = findBinDir() }) {
  const asUser = serverUser();
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const pgCtl = path.join(binDir, 'pg_ctl');
  // fsync off: a killed server still keeps every commit (only an OS crash could lose them), and
  // this cluster is thrown away.
  const options = [
    `-p ${port}`, `-k ${dir}`, "-c listen_addresses='127.0.0.1'", '-c fsync=off', '-c full_page_writes=off',
    '-c max_connections=200', '-c shared_buffers=64MB',
  ].join(' ');
  const instance = {
    port,
    dir,
    dataDir,
    logFile,
    pgCtl,
    asUser,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    pid: () => postmasterPid(dataDir),
    /** Starts the server and waits until it accepts connections. */
    async start() {
      await must(pgCtl, ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start'], { asUser });
    },
    /** Stops the server: `fast` ends every session (clients see 57P01), `immediate` is a crash. */
    async stop({ mode = 'fast' } = {}) {
      if (!postmasterPid(dataDir)) return;
      await must(pgCtl, ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop'], { asUser });
    },
    async restart({ mode = 'fast' } = {}) {
      await instance.stop({ mode });
      await instance.start();
    },
    /** Stops the server and removes its folder. */
    async remove() {
      await instance.stop({ mode: 'immediate' }).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
    /** The last lines of the server log, for a failure message. */
    logTail(lines = 20) {
      try {
        return fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
  };
  return instance;
}

/**
 * Creates a cluster in a new temporary folder (trust authentication, user `postgres`) and starts
 * it on `port`; resolves once it accepts connections. The server is stopped and the folder removed
 * when this process is gone, even if it was SIGKILLed.
 */
async function createPostgresInstance({ port, binDir = findBinDir(), log = () => {} } = {}) {
  if (!port) throw new Error('createPostgresInstance: port is required');
  const t0 = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsledger-pg-'));
  const instance = postgresInstanceAt({ dir, port, binDir });
  try {
    if (instance.asUser) await must('chown', ['-R', `${instance.asUser}:`, dir]);
    await must(path.join(binDir, 'initdb'), ['-D', instance.dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C'], { asUser: instance.asUser });
    await instance.start();
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const script = [
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
    `${instance.asUser ? `runuser -u ${instance.asUser} -- ` : ''}"$2" -D "$3" -m immediate stop >/dev/null 2>&1`,
    'rm -rf "$4"',
  ].join('\n');
  const w = spawn('sh', ['-c', script, 'postgres-watchdog', String(process.pid), instance.pgCtl, instance.dataDir, dir], { detached: true, stdio: 'ignore' });
  w.on('error', () => {});
  w.unref();
  log(`PostgreSQL of its own on 127.0.0.1:${port} (${dir}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return instance;
}

module.exports = { createPostgresInstance, postgresInstanceAt, findBinDir };
