#!/usr/bin/env node
'use strict';
/**
 * Local single-node KRaft Kafka broker from the Apache Kafka jars on Maven Central.
 * Plain CommonJS, no build step: it runs before the TypeScript is compiled.
 * See docs/kafka-local.md.
 *
 * The broker authenticates every client (SASL/SCRAM-SHA-512 on its one client listener) and
 * authorises every request (KRaft's StandardAuthorizer, no ACL means no access). Its users are
 * created when its storage is formatted (StorageTool --add-scram), with the passwords of
 * .cache/kafka/credentials.json, made once per checkout: `newsledger-admin` (super user: setup
 * and tests) and one user per app (`newsledger-ingest`, `-projector`, `-query`, `-cli`), whose
 * rights `newsledger kafka-access` grants.
 *
 * Module:
 *   const { ensureKafka, runProducerPerf } = require('./scripts/kafka/kafka');
 *   const kafka = await ensureKafka({ brokers, detached, log, timeoutMs });
 *   // -> { started: false, brokers, sasl, credentials, stop }             a broker already answered
 *   // -> { started: true, brokers, sasl, credentials, pid, logFile, stop } we started one
 *   //    sasl: the admin user's kafkajs options; credentials: every user's password
 *   await kafka.stop();
 *
 * CLI (npm run kafka -- <command>):
 *   fetch | ensure | start | run | stop | status | env [user] | perf-producer <ProducerPerformance args>
 *
 * Layout (all under <repo>/.cache/kafka, git-ignored):
 *   <version>/libs/*.jar (+ .complete marker)   jars copied by mvn
 *   credentials.json                             the local users' passwords (mode 600)
 *   <version>/server-<port>.properties, log4j     generated on every start
 *   data-<port>/                                 log.dirs (KAFKA_DATA_DIR), formatted once
 *   logs-<port>/server.log, kafka.out            broker logs (KAFKA_LOG_DIR)
 *   kafka-<port>.pid                             pid of the broker we started
 * The default port is 9094. Port 9092 keeps the names of earlier versions (data/, logs/,
 * kafka.pid), whose broker had no authentication: see ensureKafka for what happens to one.
 */

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..');
const POM = path.join(__dirname, 'pom.xml');
/**
 * The cache's real path: a checkout whose .cache is a link to another's (a git worktree) must not
 * tie a broker's jars and data to the link, which may go while the broker runs.
 */
const CACHE = (() => {
  const dir = path.join(REPO, '.cache');
  try {
    return path.join(fs.realpathSync(dir), 'kafka');
  } catch {
    return path.join(dir, 'kafka');
  }
})();
/** The local broker's client port (libs/config's LOCAL_KAFKA_PORT); its controller listens on the next one. */
const DEFAULT_PORT = 9094;
/** Earlier versions ran an unauthenticated broker here, with unsuffixed file names. */
const LEGACY_PORT = 9092;
const CREDENTIALS = path.join(CACHE, 'credentials.json');
/** The super user: formats, creates topics, grants rights; tests run as it. */
const ADMIN_USER = 'newsledger-admin';
/** The apps' own users, as libs/config names them by default (KAFKA_*_PRINCIPAL). */
const APP_USERS = ['newsledger-ingest', 'newsledger-projector', 'newsledger-query', 'newsledger-cli'];
/** The broker's own login to its controller listener (SASL/PLAIN: SCRAM needs the metadata the controller serves). */
const CONTROLLER_USER = 'controller';
/** Written into log.dirs after a format that created the users; its digest tells which passwords it holds. */
const AUTH_MARKER = 'newsledger-auth.json';
const HEAP = ['-Xms256m', '-Xmx512m'];
const STOP_TIMEOUT_MS = 30_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rel = (p) => (p.startsWith(REPO + path.sep) ? path.relative(REPO, p) : p);
const defaultLog = (msg) => console.log(`[kafka] ${msg}`);

// ---------------------------------------------------------------- version & paths

/** The pinned Kafka version: the kafka.version property of pom.xml (KAFKA_VERSION overrides). */
function kafkaVersion() {
  if (process.env.KAFKA_VERSION) return process.env.KAFKA_VERSION;
  const m = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(fs.readFileSync(POM, 'utf8'));
  if (!m) throw new Error(`no <kafka.version> property in ${POM}`);
  return m[1];
}

function majorOf(version) {
  return Number.parseInt(version.split('.')[0], 10);
}

function parseBrokers(brokers) {
  const first = String(brokers).split(',')[0].trim();
  const m = /^(.*):(\d+)$/.exec(first);
  if (!m) throw new Error(`cannot parse broker address "${first}" (want host:port)`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

function defaultBrokers() {
  return process.env.KAFKA_BROKERS || `127.0.0.1:${process.env.KAFKA_PORT || DEFAULT_PORT}`;
}

/** Every path and port of one local broker instance. */
function layout({ port = Number(process.env.KAFKA_PORT || DEFAULT_PORT), version = kafkaVersion() } = {}) {
  const extra = port === LEGACY_PORT ? '' : `-${port}`;
  const home = path.join(CACHE, version);
  const logDir = path.resolve(process.env.KAFKA_LOG_DIR || path.join(CACHE, `logs${extra}`));
  return {
    version,
    major: majorOf(version),
    port,
    controllerPort: Number(process.env.KAFKA_CONTROLLER_PORT || port + 1),
    home,
    libs: path.join(home, 'libs'),
    libsMarker: path.join(home, 'libs', '.complete'),
    serverProps: path.join(home, `server${extra}.properties`),
    log4jProps: path.join(home, majorOf(version) >= 4 ? `log4j2${extra}.properties` : `log4j${extra}.properties`),
    toolsLog4jProps: path.join(home, majorOf(version) >= 4 ? 'tools-log4j2.properties' : 'tools-log4j.properties'),
    dataDir: path.resolve(process.env.KAFKA_DATA_DIR || path.join(CACHE, `data${extra}`)),
    logDir,
    logFile: path.join(logDir, 'server.log'),
    outFile: path.join(logDir, 'kafka.out'),
    pidFile: path.join(CACHE, `kafka${extra}.pid`),
    lockFile: path.join(CACHE, `kafka${extra}.lock`),
  };
}

// ---------------------------------------------------------------- processes

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  try {
    // a zombie (exited, not yet reaped) counts as gone
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** The pid in a pid file if that process is alive and is a Kafka broker (guards against pid reuse). */
function readLivePid(pidFile) {
  let pid;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').trim(), 10);
  } catch {
    return null;
  }
  if (!pid || !isAlive(pid)) return null;
  try {
    if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka')) return null;
  } catch {
    /* no /proc: trust the pid */
  }
  return pid;
}

function removePidFile(pidFile, pid) {
  try {
    if (pid === undefined || fs.readFileSync(pidFile, 'utf8').trim() === String(pid)) fs.rmSync(pidFile, { force: true });
  } catch {
    /* already gone */
  }
}

/** SIGTERM (Kafka's shutdown hook does a clean shutdown), wait, then SIGKILL. */
async function stopPid(pid, { pidFile, timeoutMs = STOP_TIMEOUT_MS, log = () => {} } = {}) {
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const deadline = Date.now() + timeoutMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) {
      log(`broker pid ${pid} still running after ${Math.round(timeoutMs / 1000)} s, sending SIGKILL`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      const killDeadline = Date.now() + 5000;
      while (isAlive(pid) && Date.now() < killDeadline) await sleep(100);
    }
  }
  if (pidFile) removePidFile(pidFile, pid);
}

function javaBin() {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function tail(file, lines = 25) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** The ERROR/FATAL lines of a broker log (the cause), else its last lines. */
function logHint(file) {
  const errors = tail(file, 2000)
    .split('\n')
    .filter((l) => / (ERROR|FATAL) /.test(l))
    .slice(-5)
    .map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
  return errors.length ? errors.join('\n') : tail(file, 15);
}

/** spawnSync without blocking the event loop (Postgres checks run meanwhile). */
function runAsync(cmd, args, options = {}) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ status: null, stdout, stderr, error });
      return;
    }
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolve({ status: null, stdout, stderr, error }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// ---------------------------------------------------------------- jars

/** Copies the Kafka jars into .cache/kafka/<version>/libs with mvn unless already complete. */
async function fetchJars({ version = kafkaVersion(), log = defaultLog } = {}) {
  const L = layout({ version });
  if (fs.existsSync(L.libsMarker)) return L.libs;
  const tmp = `${L.libs}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(L.home, { recursive: true });
  log(`fetching Kafka ${version} jars from Maven Central (mvn, first run only) ...`);
  const t0 = Date.now();
  const args = [
    '-q', '-B', '-f', POM, 'dependency:copy-dependencies',
    '-DincludeScope=runtime', `-Dkafka.version=${version}`, `-DoutputDirectory=${tmp}`,
  ];
  args.push(majorOf(version) >= 4 ? '-Pkafka4' : '-P!kafka4'); // the log4j2 SLF4J binding, 4.x only
  const r = await runAsync('mvn', args, { cwd: __dirname });
  if (r.error || r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const why = r.error ? r.error.message : `${r.stdout}${r.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`mvn could not fetch Kafka ${version} (needs Maven and access to Maven Central):\n${why}`);
  }
  const jars = fs.readdirSync(tmp).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => f.startsWith(`kafka_2.13-${version}`))) throw new Error(`mvn ran but no kafka_2.13-${version}.jar in ${tmp}`);
  fs.rmSync(L.libs, { recursive: true, force: true }); // a half copy from an older run
  fs.renameSync(tmp, L.libs);
  fs.writeFileSync(L.libsMarker, `${jars.length} jars, ${new Date().toISOString()}\n`);
  log(`fetched ${jars.length} jars in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ${rel(L.libs)}`);
  return L.libs;
}

// ---------------------------------------------------------------- credentials

const newPassword = () => crypto.randomBytes(24).toString('base64url');

/**
 * The local users and their passwords: .cache/kafka/credentials.json, made once (mode 600) and
 * shared by every local broker of this checkout, so a test's second broker takes the same logins.
 * Returns { mechanism, admin, controller, users: { name: password } }.
 */
function localCredentials() {
  let stored = {};
  try {
    stored = JSON.parse(fs.readFileSync(CREDENTIALS, 'utf8'));
  } catch (e) {
    if (e.code !== 'ENOENT') throw new Error(`cannot read ${rel(CREDENTIALS)}: ${e.message}; remove it and the local brokers' data dirs to start afresh`);
  }
  const users = { ...(stored.users || {}) };
  let changed = !stored.users || !stored.controller;
  for (const name of [ADMIN_USER, ...APP_USERS]) {
    if (!users[name]) {
      users[name] = newPassword();
      changed = true;
    }
  }
  const creds = { mechanism: 'scram-sha-512', admin: ADMIN_USER, controller: stored.controller || newPassword(), users };
  if (changed) {
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${CREDENTIALS}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, CREDENTIALS);
  }
  return creds;
}

/** kafkajs' `sasl` option for one local user (default: the admin). */
function saslFor(creds, user = creds.admin) {
  if (!creds.users[user]) throw new Error(`no local Kafka user "${user}" (known: ${Object.keys(creds.users).join(', ')})`);
  return { mechanism: creds.mechanism, username: user, password: creds.users[user] };
}

/** What a broker's users were formatted from: the passwords' digest, never the passwords. */
function credentialsDigest(creds) {
  return crypto.createHash('sha256').update(JSON.stringify({ c: creds.controller, u: creds.users })).digest('hex');
}

// ---------------------------------------------------------------- config

/** A JAAS line; the passwords are base64url, so never need quoting. */
const jaas = (module, fields) => `${module} required ${Object.entries(fields).map(([k, v]) => `${k}="${v}"`).join(' ')};`;

function serverProperties(L, creds) {
  const admin = saslFor(creds);
  const lines = [
    '# generated by scripts/kafka/kafka.js on every start; edit the script, not this file',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${L.controllerPort}`,
    // Clients authenticate with SCRAM-SHA-512; nothing listens unauthenticated.
    `listeners=SASL_PLAINTEXT://127.0.0.1:${L.port},CONTROLLER://127.0.0.1:${L.controllerPort}`,
    `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${L.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=SASL_PLAINTEXT',
    'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${jaas('org.apache.kafka.common.security.scram.ScramLoginModule', { username: admin.username, password: admin.password })}`,
    'sasl.mechanism.controller.protocol=PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    `listener.name.controller.plain.sasl.jaas.config=${jaas('org.apache.kafka.common.security.plain.PlainLoginModule', {
      username: CONTROLLER_USER, password: creds.controller, [`user_${CONTROLLER_USER}`]: creds.controller,
    })}`,
    // Every request is authorised: a user may do only what an ACL grants it.
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${creds.admin};User:${CONTROLLER_USER}`,
    'allow.everyone.if.no.acl.found=false',
    `log.dirs=${L.dataDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=5',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=5',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    'num.network.threads=3',
    'num.io.threads=4',
  ];
  if (L.major >= 4) {
    lines.push('share.coordinator.state.topic.replication.factor=1', 'share.coordinator.state.topic.min.isr=1');
  }
  return `${lines.join('\n')}\n`;
}

/** Broker logging: files under logDir, never the terminal. */
function brokerLog4j(L) {
  if (L.major >= 4) {
    return `# generated by scripts/kafka/kafka.js (log4j2)
status = warn
appender.server.type = RollingFile
appender.server.name = server
appender.server.fileName = ${L.logDir}/server.log
appender.server.filePattern = ${L.logDir}/server.log.%i
appender.server.layout.type = PatternLayout
appender.server.layout.pattern = [%d] %p %m (%c)%n
appender.server.policies.type = Policies
appender.server.policies.size.type = SizeBasedTriggeringPolicy
appender.server.policies.size.size = 20MB
appender.server.strategy.type = DefaultRolloverStrategy
appender.server.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.server.ref = server
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.zk.name = org.apache.zookeeper
logger.zk.level = WARN
`;
  }
  return `# generated by scripts/kafka/kafka.js (log4j 1.x API, reload4j)
log4j.rootLogger=INFO, server
log4j.appender.server=org.apache.log4j.RollingFileAppender
log4j.appender.server.File=${L.logDir}/server.log
log4j.appender.server.MaxFileSize=20MB
log4j.appender.server.MaxBackupIndex=3
log4j.appender.server.layout=org.apache.log4j.PatternLayout
log4j.appender.server.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.zookeeper=WARN
`;
}

/** Tool (ProducerPerformance, StorageTool) logging: warnings to stderr. */
function toolsLog4j(L) {
  if (L.major >= 4) {
    return `status = warn
appender.err.type = Console
appender.err.name = err
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = err
`;
  }
  return `log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
`;
}

function log4jFlag(L, file) {
  return L.major >= 4 ? `-Dlog4j2.configurationFile=file:${file}` : `-Dlog4j.configuration=file:${file}`;
}

function writeConfig(L, creds) {
  fs.mkdirSync(L.home, { recursive: true });
  fs.mkdirSync(L.logDir, { recursive: true });
  // It holds passwords.
  fs.writeFileSync(L.serverProps, serverProperties(L, creds), { mode: 0o600 });
  fs.chmodSync(L.serverProps, 0o600);
  fs.writeFileSync(L.log4jProps, brokerLog4j(L));
  fs.writeFileSync(L.toolsLog4jProps, toolsLog4j(L));
}

/** A Kafka cluster id: 16 random bytes, base64url, not starting with '-' (as Uuid.randomUuid()). */
function randomClusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id;
  }
}

/**
 * Formats log.dirs once, creating the SCRAM users (meta.properties, written by Kafka's
 * StorageTool, is the marker). Storage formatted before, by a version without users or with other
 * passwords, is refused with what to do: the broker would start, and refuse every login.
 */
async function formatStorage(L, creds, log) {
  const marker = path.join(L.dataDir, AUTH_MARKER);
  if (fs.existsSync(path.join(L.dataDir, 'meta.properties'))) {
    let formatted;
    try {
      formatted = JSON.parse(fs.readFileSync(marker, 'utf8')).credentials;
    } catch {
      throw new Error(
        `${L.dataDir} was formatted by an earlier version, whose broker had no users or authentication. ` +
          `Remove that directory (its topics go with it) or set KAFKA_DATA_DIR to another one, then start again.`,
      );
    }
    if (formatted !== credentialsDigest(creds)) {
      throw new Error(
        `${L.dataDir} holds users with other passwords than ${rel(CREDENTIALS)} (that file was replaced). ` +
          'Put the old file back, or remove the data directory (its topics go with it) and start again.',
      );
    }
    return false;
  }
  fs.mkdirSync(L.dataDir, { recursive: true });
  const clusterId = randomClusterId();
  log(`formatting storage ${rel(L.dataDir)} (cluster id ${clusterId}) with the SCRAM users ${Object.keys(creds.users).join(', ')}`);
  const scram = Object.entries(creds.users).flatMap(([name, password]) => ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${password}]`]);
  const r = await runAsync(javaBin(), [
    ...HEAP, log4jFlag(L, L.toolsLog4jProps), '-cp', `${L.libs}/*`, 'kafka.tools.StorageTool',
    'format', '-t', clusterId, '-c', L.serverProps, '--ignore-formatted', ...scram,
  ]);
  if (r.error || r.status !== 0) {
    throw new Error(`Kafka StorageTool format failed:\n${r.error ? r.error.message : `${r.stdout}${r.stderr}`.trim().replace(/password=[^\],]+/g, 'password=…')}`);
  }
  fs.writeFileSync(marker, `${JSON.stringify({ credentials: credentialsDigest(creds), users: Object.keys(creds.users) })}\n`);
  return true;
}

// ---------------------------------------------------------------- readiness

function kafkajs() {
  return require('kafkajs');
}

/**
 * true when a broker at `brokers` answers a describeCluster within ~timeoutMs, logged in as `sasl`
 * (kafkajs' option; the local admin by default, null for an unauthenticated probe).
 */
async function isReachable(brokers = defaultBrokers(), timeoutMs = 1500, sasl = saslFor(localCredentials())) {
  const { Kafka, logLevel } = kafkajs();
  const kafka = new Kafka({
    clientId: 'newsledger-kafka-probe',
    brokers: String(brokers).split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 1000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    ...(sasl ? { sasl } : {}),
  });
  const admin = kafka.admin();
  let timer;
  try {
    await Promise.race([
      (async () => {
        await admin.connect();
        await admin.describeCluster();
      })(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => {});
  }
}

/** true when something accepts TCP connections at the first broker address. */
function portOpen(brokers, timeoutMs = 1000) {
  const { host, port } = parseBrokers(brokers);
  return new Promise((resolve) => {
    const socket = require('node:net').connect({ host, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Why a broker that answers at `brokers` will not do, or null when nothing answers there: one
 * without authentication (an earlier version's local broker), or one that refuses our users.
 */
async function unusableBroker(brokers, L) {
  if (await isReachable(brokers, 1500, null)) {
    const pid = readLivePid(L.pidFile);
    const ours = pid ? ` It is this project's broker of an earlier version (pid ${pid}, from ${rel(L.pidFile)}), started by \`npm run kafka start\`.` : '';
    return (
      `a Kafka broker without authentication answers at ${brokers}.${ours} newsledger's brokers take SASL/SCRAM logins and ACLs, ` +
      `and the local one listens on 127.0.0.1:${DEFAULT_PORT} by default. Leave KAFKA_BROKERS unset (or point it at a broker with SASL), ` +
      `or stop that broker first (${pid ? `\`KAFKA_PORT=${L.port} npm run kafka stop\`` : 'it was not started by this project'}) ` +
      'if this port must be the authenticated one. It is never stopped for you: other processes may be using it.'
    );
  }
  if (await portOpen(brokers)) {
    return (
      `something answers at ${brokers} but refuses the local admin user of ${rel(CREDENTIALS)} (a broker with other users, ` +
      'or not Kafka). Point KAFKA_BROKERS at another address, or stop what listens there.'
    );
  }
  return null;
}

async function waitReady({ brokers, pid, L, timeoutMs }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isReachable(brokers, 1500)) return;
    if (pid && !isAlive(pid)) {
      throw new Error(
        `Kafka broker (pid ${pid}) exited during start-up; see ${L.logFile} and ${L.outFile}\n` +
          `--- ${L.outFile} ---\n${tail(L.outFile, 15)}\n--- ${L.logFile} ---\n${logHint(L.logFile)}`,
      );
    }
    await sleep(300);
  }
  throw new Error(
    `Kafka at ${brokers} not ready after ${Math.round(timeoutMs / 1000)} s` +
      `${pid ? ` (broker pid ${pid} still running)` : ''}; see ${L.logFile}\n--- ${L.logFile} ---\n${logHint(L.logFile)}`,
  );
}

// ---------------------------------------------------------------- start lock

function readOrEmpty(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** One starter per instance across processes: a lock file holding the owner's pid. */
async function withStartLock(L, timeoutMs, log, fn) {
  fs.mkdirSync(path.dirname(L.lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      fs.writeFileSync(L.lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const content = readOrEmpty(L.lockFile);
      const owner = Number.parseInt(content, 10);
      let stale = owner ? !isAlive(owner) : false;
      if (!owner) {
        // created but not yet written by its owner, or left empty by a crash
        try {
          stale = Date.now() - fs.statSync(L.lockFile).mtimeMs > 5000;
        } catch {
          continue; // gone: try again
        }
      }
      if (stale) {
        if (readOrEmpty(L.lockFile) === content) fs.rmSync(L.lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another process (pid ${owner}) is still starting Kafka (${L.lockFile})`);
      if (!said) log(`waiting for pid ${owner}, which is starting Kafka ...`);
      said = true;
      await sleep(300);
    }
  }
  try {
    return await fn();
  } finally {
    removePidFile(L.lockFile, process.pid);
  }
}

// ---------------------------------------------------------------- ensureKafka

/**
 * Makes sure a Kafka broker answers at `brokers`; starts the local one when it does not.
 *
 * The broker always runs in its own process group, so a terminal Ctrl-C reaches only us.
 * detached=false (default): the broker must not outlive us. It is stopped by `stop()`, by a
 *   process 'exit' hook, and by a tiny `sh` watchdog when we die without either (SIGKILL, or a
 *   signal with no handler: Node then skips 'exit' hooks). Callers install signal handlers to
 *   stop it cleanly and in order, e.g. scripts/infra/index.js stopOnSignals(stop); without them
 *   the watchdog sends SIGTERM within ~1 s.
 * detached=true: the broker runs in its own session and outlives us (`npm run kafka start`);
 *   stop it with `npm run kafka stop` (pid file) or the returned stop().
 */
async function ensureKafka({
  brokers = defaultBrokers(),
  detached = false,
  log = defaultLog,
  timeoutMs = Number(process.env.KAFKA_START_TIMEOUT_MS || 90_000),
} = {}) {
  log = log || (() => {});
  const creds = localCredentials();
  const auth = { sasl: saslFor(creds), credentials: creds };
  const noop = { started: false, brokers, ...auth, stop: async () => {} };
  if (await isReachable(brokers)) return noop;

  const { host, port } = parseBrokers(brokers);
  const L = layout({ port });
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error((await unusableBroker(brokers, L)) ?? `Kafka at ${brokers} is not reachable, and it is not a local address this script could start a broker on`);
  }

  return withStartLock(L, 10 * 60_000, log, async () => {
    // someone may have started it while we waited for the lock
    if (await isReachable(brokers)) return noop;
    const running = readLivePid(L.pidFile);
    if (running && !(await isReachable(brokers, 1500, null))) {
      log(`broker pid ${running} (from ${rel(L.pidFile)}) is running but not answering yet; waiting`);
      await waitReady({ brokers, pid: running, L, timeoutMs });
      return noop;
    }
    const unusable = await unusableBroker(brokers, L);
    if (unusable) throw new Error(unusable);
    removePidFile(L.pidFile); // stale or absent

    const t0 = Date.now();
    await fetchJars({ version: L.version, log });
    writeConfig(L, creds);
    await formatStorage(L, creds, log);
    const pid = spawnBroker(L, detached);
    fs.writeFileSync(L.pidFile, String(pid));
    log(`starting Kafka ${L.version} on ${brokers} (pid ${pid}${detached ? ', detached' : ''}), log ${rel(L.logFile)}`);

    let stopping;
    const stop = () => {
      if (!stopping) {
        process.removeListener('exit', onExit);
        stopping = stopPid(pid, { pidFile: L.pidFile, log });
      }
      return stopping;
    };
    const onExit = () => {
      // last resort when our process exits without stop(): the broker shuts down cleanly on its own
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    };
    if (!detached) process.on('exit', onExit);

    try {
      await waitReady({ brokers, pid, L, timeoutMs });
    } catch (e) {
      await stop();
      throw e;
    }
    log(`Kafka ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (SASL/SCRAM-SHA-512 and ACLs; users in ${rel(CREDENTIALS)})`);
    return { started: true, brokers, ...auth, pid, logFile: L.logFile, dataDir: L.dataDir, stop };
  });
}

function brokerJvmArgs(L) {
  return [
    ...HEAP,
    '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${L.logDir}`, log4jFlag(L, L.log4jProps),
    '-cp', `${L.libs}/*`, 'kafka.Kafka', L.serverProps,
  ];
}

function spawnBroker(L, detached) {
  fs.mkdirSync(L.logDir, { recursive: true });
  const out = fs.openSync(L.outFile, 'a');
  fs.writeSync(out, `\n==== ${new Date().toISOString()} starting Kafka ${L.version} (by pid ${process.pid}${detached ? ', detached' : ''})\n`);
  let child;
  try {
    // Always its own session/process group: a terminal Ctrl-C reaches only us, so callers can stop
    // their apps first and the broker last. Without `detached` the hooks below tie it to us.
    child = spawn(javaBin(), brokerJvmArgs(L), { cwd: L.home, detached: true, stdio: ['ignore', out, out] });
  } finally {
    fs.closeSync(out);
  }
  if (!child.pid) throw new Error(`could not run ${javaBin()} (is Java 17+ installed?)`);
  child.on('error', () => {});
  child.unref(); // the broker alone must not keep our event loop alive
  if (!detached) startWatchdog(child.pid, L.pidFile);
  return child.pid;
}

/**
 * A ~1 MB `sh` in its own session: when our Node process is gone (even SIGKILLed) while the
 * broker still runs, it sends SIGTERM, then SIGKILL after 30 s, and removes the pid file.
 * Exits by itself once the broker is gone.
 */
function startWatchdog(brokerPid, pidFile) {
  const script = [
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done',
    'kill -0 "$2" 2>/dev/null || exit 0',
    'kill -TERM "$2" 2>/dev/null; i=0',
    'while kill -0 "$2" 2>/dev/null && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done',
    'kill -KILL "$2" 2>/dev/null',
    '[ "$(cat "$3" 2>/dev/null)" = "$2" ] && rm -f "$3"',
  ].join('\n');
  const w = spawn('sh', ['-c', script, 'kafka-watchdog', String(process.pid), String(brokerPid), pidFile], {
    detached: true,
    stdio: 'ignore',
  });
  w.on('error', () => {});
  w.unref();
}

/** Stops the broker recorded in the pid file (e.g. one started detached). */
async function stopKafka({ port = Number(process.env.KAFKA_PORT || DEFAULT_PORT), log = defaultLog } = {}) {
  const L = layout({ port });
  const pid = readLivePid(L.pidFile);
  if (!pid) {
    const stale = fs.existsSync(L.pidFile);
    removePidFile(L.pidFile);
    log(stale ? 'not running (removed a stale pid file)' : 'not running (no pid file)');
    return false;
  }
  log(`stopping broker pid ${pid} ...`);
  const t0 = Date.now();
  await stopPid(pid, { pidFile: L.pidFile, log });
  log(`stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

async function kafkaStatus({ brokers = defaultBrokers() } = {}) {
  const { port } = parseBrokers(brokers);
  const L = layout({ port });
  return {
    version: L.version,
    brokers,
    reachable: await isReachable(brokers),
    pid: readLivePid(L.pidFile),
    jarsCached: fs.existsSync(L.libsMarker),
    formatted: fs.existsSync(path.join(L.dataDir, 'meta.properties')),
    dataDir: L.dataDir,
    logFile: L.logFile,
  };
}

// ---------------------------------------------------------------- ProducerPerformance

/**
 * A Java client's login as a local user (default: the admin), as a properties file (mode 600) for
 * `--producer.config`: ProducerPerformance's `--producer-props` cannot hold a JAAS line (it has "=").
 */
function javaClientConfig(creds, user = creds.admin) {
  const { username, password } = saslFor(creds, user);
  const file = path.join(CACHE, `client-${user}.properties`);
  fs.mkdirSync(CACHE, { recursive: true });
  fs.writeFileSync(file, [
    '# generated by scripts/kafka/kafka.js: a local user\'s login for Kafka\'s Java tools',
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=${jaas('org.apache.kafka.common.security.scram.ScramLoginModule', { username, password })}`,
    '',
  ].join('\n'), { mode: 0o600 });
  return file;
}

function parsePerfOutput(text) {
  const re = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th/g;
  let m;
  let last = null;
  while ((m = re.exec(text))) last = m;
  if (!last) return null;
  return {
    records: Number(last[1]),
    recordsPerSec: Number(last[2]),
    mbPerSec: Number(last[3]),
    avgLatencyMs: Number(last[4]),
    maxLatencyMs: Number(last[5]),
    p50: Number(last[6]),
    p95: Number(last[7]),
    p99: Number(last[8]),
    p999: Number(last[9]),
  };
}

/** Runs org.apache.kafka.tools.ProducerPerformance from the cached jars with raw CLI args. */
async function spawnProducerPerf(args, { stdio = 'inherit' } = {}) {
  const L = layout();
  await fetchJars({ version: L.version });
  if (!fs.existsSync(L.toolsLog4jProps)) writeConfig(L);
  return spawn(javaBin(), [...HEAP, log4jFlag(L, L.toolsLog4jProps), '-cp', `${L.libs}/*`, 'org.apache.kafka.tools.ProducerPerformance', ...args], { stdio });
}

/**
 * Kafka's own producer benchmark against `brokers`. The topic must exist (auto-create is off)
 * unless `partitions` is given, in which case it is created with kafkajs when missing.
 * Resolves { records, recordsPerSec, mbPerSec, avgLatencyMs, maxLatencyMs, p50, p95, p99, p999, output }.
 */
async function runProducerPerf({
  topic,
  numRecords = 100_000,
  recordSize = 100,
  throughput = -1,
  producerProps = {},
  brokers = defaultBrokers(),
  partitions,
} = {}) {
  if (!topic) throw new Error('runProducerPerf: topic is required');
  const creds = localCredentials();
  if (partitions) {
    const { Kafka, logLevel } = kafkajs();
    const admin = new Kafka({ clientId: 'newsledger-perf', brokers: brokers.split(','), sasl: saslFor(creds), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }
  const props = { 'bootstrap.servers': brokers, ...producerProps };
  const args = [
    '--topic', topic, '--num-records', String(numRecords), '--record-size', String(recordSize),
    '--throughput', String(throughput), '--producer.config', javaClientConfig(creds),
    '--producer-props', ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
  ];
  const child = await spawnProducerPerf(args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  });
  const parsed = parsePerfOutput(out);
  if (code !== 0 || !parsed) {
    throw new Error(`ProducerPerformance failed (exit ${code}):\n${`${out}\n${err}`.trim().split('\n').slice(-20).join('\n')}`);
  }
  return { ...parsed, output: out };
}

// ---------------------------------------------------------------- CLI

const USAGE = `usage: node scripts/kafka/kafka.js <command>
  fetch                  download the Kafka jars into .cache/kafka/<version>/libs (mvn)
  ensure | start         start the local broker detached unless one already answers (idempotent)
  run                    start it in the foreground, tied to this process; Ctrl-C stops it
  stop                   stop the broker recorded in .cache/kafka/kafka-<port>.pid (port 9094 by default)
  status                 reachable? pid? version, data dir, log file (exit 3 when not reachable)
  env [USER]             KAFKA_BROKERS and the KAFKA_SASL_* lines of a local user (default
                         newsledger-cli), for running the CLI or an app by hand: eval "$(npm run -s kafka env)"
  perf-producer ARGS     org.apache.kafka.tools.ProducerPerformance ARGS (bootstrap.servers added
                         to --producer-props when missing, the admin's login as --producer.config;
                         the topic must exist)
env: KAFKA_BROKERS (default 127.0.0.1:9094), KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_DATA_DIR, KAFKA_LOG_DIR,
     KAFKA_VERSION (overrides pom.xml), KAFKA_START_TIMEOUT_MS, JAVA_HOME`;

async function main(argv) {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'fetch':
      await fetchJars();
      defaultLog(`jars ready: ${rel(layout().libs)}`);
      return 0;
    case 'ensure':
    case 'start': {
      const k = await ensureKafka({ detached: true });
      defaultLog(k.started ? `running, pid ${k.pid}; stop with: npm run kafka stop` : `already reachable at ${k.brokers}`);
      return 0;
    }
    case 'run': {
      const k = await ensureKafka({ detached: false });
      if (!k.started) {
        defaultLog(`already reachable at ${k.brokers}; nothing to run`);
        return 0;
      }
      defaultLog('running in the foreground; Ctrl-C to stop');
      await new Promise((resolve) => {
        const onSignal = (sig) => {
          defaultLog(`${sig}: stopping broker ...`);
          k.stop().then(() => resolve());
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        // keep the event loop alive while waiting
        const t = setInterval(() => {
          if (!isAlive(k.pid)) {
            defaultLog('broker exited');
            clearInterval(t);
            resolve();
          }
        }, 1000);
      });
      return 0;
    }
    case 'stop':
      await stopKafka();
      return 0;
    case 'status': {
      const s = await kafkaStatus();
      for (const [k, v] of Object.entries(s)) console.log(`${k.padEnd(11)} ${v ?? '-'}`);
      return s.reachable ? 0 : 3;
    }
    case 'env': {
      const { username, password, mechanism } = saslFor(localCredentials(), rest[0] || 'newsledger-cli');
      const quote = (v) => `'${v}'`;
      console.log(`export KAFKA_BROKERS=${quote(defaultBrokers())} KAFKA_SASL_MECHANISM=${mechanism} KAFKA_SASL_USERNAME=${quote(username)} KAFKA_SASL_PASSWORD=${quote(password)}`);
      return 0;
    }
    case 'perf-producer': {
      const args = [...rest];
      if (!args.includes('--producer.config')) args.push('--producer.config', javaClientConfig(localCredentials()));
      const i = args.indexOf('--producer-props');
      if (i === -1) args.push('--producer-props', `bootstrap.servers=${defaultBrokers()}`);
      else if (!args.slice(i + 1).some((a) => a.startsWith('bootstrap.servers='))) args.splice(i + 1, 0, `bootstrap.servers=${defaultBrokers()}`);
      const child = await spawnProducerPerf(args);
      return new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
    }
    default:
      console.error(USAGE);
      return cmd && !['-h', '--help', 'help'].includes(cmd) ? 2 : 0;
  }
}

module.exports = {
  ensureKafka,
  localCredentials,
  saslFor,
  stopKafka,
  kafkaStatus,
  isReachable,
  fetchJars,
  runProducerPerf,
  parsePerfOutput,
  kafkaVersion,
  layout,
};

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`[kafka] ${e.message}`);
      process.exit(1);
    },
  );
}
