#!/usr/bin/env node
// Writes test/fixtures/upgrade/<name>/: what an earlier release leaves behind, for the upgrade test
// (apps/projector/src/upgrade-views/previous-release.int-spec.ts). It runs that release's own
// compiled apps on a topic and a database schema of their own, sends it a story through its ingest
// API, lets its projector and snapshot taker finish, then keeps the topic's messages as they lie
// on the log (partition, offset, key, value, headers, timestamp) and a pg_dump of the schema.
//
//   git worktree add /tmp/previous <commit> && (cd /tmp/previous && npm ci && npm run build)
//   node scripts/make-upgrade-fixture.js --checkout /tmp/previous --name <name>
//
// Needs PostgreSQL, pg_dump on the PATH, and a broker the release can reach: releases before SASL
// speak only plaintext, so give one in KAFKA_BROKERS (e.g. a broker started as
// docs/kafka-local.md describes, without SASL); its messages are kept with their timestamps.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');
const { Client } = require('pg');

const root = path.resolve(__dirname, '..');
const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || !process.argv[i + 1]) throw new Error(`usage: make-upgrade-fixture.js --checkout <built checkout of the release> --name <fixture name>`);
  return process.argv[i + 1];
};
const checkout = path.resolve(arg('checkout'));
const name = arg('name');
const out = path.join(root, 'test', 'fixtures', 'upgrade', name);

// Placeholder names, distinctive enough for the test to replace them in the dump.
const SCHEMA = 'upgrade_fixture';
const PREFIX = 'upgrade-fixture';
const TOPICS = { events: `${PREFIX}.events`, statusChanges: `${PREFIX}.status-changes`, dlq: `${PREFIX}.events.dlq` };
const GROUP = `${PREFIX}-projector`;
const DATABASE = 'newsledger_upgrade_fixture';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DATABASE}`;
const BROKERS = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
const ADMIN_KEY = 'upgrade-fixture-admin-key-0123456789';
const PORTS = { ingest: 3410, query: 3411 };

const say = (msg) => console.log(`[upgrade-fixture] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The story: May 2025's swap with Trump's retracted claim, its talks, and December 2024's disputed figures. */
function story() {
  const may = 'exchange/ua-ru-2025-05-1000';
  const dec = 'exchange/ua-ru-2024-12-30';
  const talks = 'negotiation/ua-ru-istanbul-2025';
  const reuters = { name: 'Reuters', kind: 'agency' };
  const r = (id, type, subject, occurredAt, source, confirmation, data, note) => ({ id, type, subject, occurredAt, source, confirmation, data, ...(note ? { note } : {}) });
  return [
    r('talks-announced', 'negotiation.round.announced', talks, '2025-05-14', reuters, 'confirmed', { round: 1, venue: 'Istanbul', agenda: 'a ceasefire and an exchange of prisoners' }),
    r('talks-held', 'negotiation.round.held', talks, '2025-05-16', reuters, 'confirmed', { round: 1, venue: 'Istanbul', delegationLevel: 'low', outcome: 'no progress towards a ceasefire', parties: ['UA', 'RU'] }),
    r('vatican-proposed', 'negotiation.mediation.proposed', talks, '2025-05-20', reuters, 'reported', { mediator: 'Vatican', by: 'Donald Trump' }),
    r('meloni-endorsed', 'negotiation.mediation.endorsed', talks, '2025-05-20', { name: 'ANSA', kind: 'agency' }, 'reported', { mediator: 'Vatican', by: 'Giorgia Meloni', party: 'IT' }),
    r('swap-agreed', 'exchange.agreed', may, '2025-05-16', reuters, 'confirmed', { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 }, negotiation: talks }),
    r('trump-complete', 'exchange.completed', may, '2025-05-23', { name: 'Donald Trump', kind: 'social', speaker: 'Donald Trump', url: 'https://truthsocial.com/' }, 'claimed', {}, 'this could lead to something big???'),
    r('military-underway', 'exchange.underway', may, '2025-05-23', { name: 'Ukrainian military sources', kind: 'military' }, 'confirmed', {}),
    r('belarus-border', 'exchange.details.reported', may, '2025-05-23', { name: 'unnamed sources', kind: 'unnamed' }, 'unconfirmed', { location: 'Ukraine–Belarus border', expectedDays: 3 }),
    r('phase-1-ru', 'exchange.phase.completed', may, '2025-05-23', { name: 'Russian Ministry of Defence', kind: 'official' }, 'confirmed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }),
    r('phase-1-ua', 'exchange.phase.completed', may, '2025-05-23', { name: 'Coordination Headquarters for the Treatment of POWs', kind: 'government' }, 'confirmed', { phase: 1, releasedBy: { UA: 390, RU: 390 } }),
    r('trump-retracted', 'report.retracted', may, '2025-05-24', reuters, 'confirmed', { eventId: 'trump-complete', reason: 'the exchange was still under way' }),
    r('dec-ru', 'exchange.completed', dec, '2024-12-30', { name: 'Russian Ministry of Defence', kind: 'official' }, 'confirmed', { releasedBy: { RU: 150, UA: 150 } }),
    r('dec-ua', 'exchange.completed', dec, '2024-12-30', { name: 'Volodymyr Zelensky', kind: 'official', speaker: 'Volodymyr Zelensky' }, 'confirmed', { releasedBy: { RU: 189 } }),
  ];
}

async function main() {
  for (const f of ['ingest-api', 'projector', 'query-api']) {
    if (!fs.existsSync(path.join(checkout, 'dist', 'apps', f, 'src', 'main.js'))) throw new Error(`${checkout} is not built: run npm ci && npm run build there`);
  }
  const release = execFileSync('git', ['-C', checkout, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

  // A clean slate: the fixture's database and topics.
  const pg = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await pg.connect();
  await pg.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await pg.query(`CREATE DATABASE ${DATABASE}`);
  await pg.end();
  const kafka = new Kafka({ brokers: BROKERS, clientId: 'upgrade-fixture', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const existing = (await admin.listTopics()).filter((t) => t.startsWith(`${PREFIX}.`));
  if (existing.length) await admin.deleteTopics({ topics: existing });
  await sleep(2000);

  const env = {
    ...process.env,
    DATABASE_URL, DATABASE_SCHEMA: SCHEMA, KAFKA_BROKERS: BROKERS.join(','),
    EVENTS_TOPIC: TOPICS.events, STATUS_CHANGES_TOPIC: TOPICS.statusChanges, DLQ_TOPIC: TOPICS.dlq, PROJECTOR_GROUP_ID: GROUP,
    NEWSLEDGER_ADMIN_KEY: ADMIN_KEY, INGEST_PORT: String(PORTS.ingest), QUERY_PORT: String(PORTS.query), METRICS_PORT: '0',
    SNAPSHOT_EVERY: '3', LOG_LEVEL: 'warn', LOG_PRETTY: 'false',
  };
  const children = ['projector', 'ingest-api', 'query-api'].map((app) => {
    const child = spawn(process.execPath, [path.join(checkout, 'dist', 'apps', app, 'src', 'main.js')], { cwd: checkout, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code, signal) => { if (!stopping) say(`${app} exited early (${signal ?? code})`); });
    return child;
  });
  let stopping = false;
  try {
    const call = async (port, method, url, body, key = ADMIN_KEY) => {
      const res = await fetch(`http://127.0.0.1:${port}${url}`, {
        method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    };
    const until = async (what, probe, ms = 60_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        try { if (await probe()) return; } catch { /* not up yet */ }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(250);
      }
    };
    await until('the APIs', async () => (await fetch(`http://127.0.0.1:${PORTS.ingest}/health`)).ok && (await fetch(`http://127.0.0.1:${PORTS.query}/health`)).ok);
    const desk = await call(PORTS.query, 'POST', '/v1/admin/keys', { name: 'kyiv-desk', scopes: ['ingest', 'read'] });
    if (desk.status !== 201) throw new Error(`key: ${desk.status} ${JSON.stringify(desk.body)}`);

    const reports = story();
    for (const report of reports) {
      // A retraction names an event the projector must have indexed first: retried until it has.
      let res;
      for (let tries = 0; tries < 50; tries++) {
        res = await call(PORTS.ingest, 'POST', '/v1/reports', report, desk.body.key);
        if (res.body?.error !== 'unknown_event') break;
        await sleep(200);
      }
      if (res.status !== 202) throw new Error(`${report.id}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const counts = new Map();
    for (const r of reports) counts.set(r.subject, (counts.get(r.subject) ?? 0) + 1);
    for (const [subject, count] of counts) {
      const [kind, id] = subject.split('/');
      await until(`${subject} projected`, async () => (await call(PORTS.query, 'GET', `/v1/${kind}s/${id}`)).body?.eventCount === count);
    }
    const db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    await until('the snapshots', async () => (await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.snapshots`)).rows[0].n >= 3);
    await db.end();
  } finally {
    stopping = true;
    await Promise.all(children.map((c) => new Promise((resolve) => {
      if (c.exitCode !== null) return resolve();
      c.once('exit', resolve);
      c.kill('SIGTERM');
    })));
  }

  // The log as it lies: every message of the events topic, partition by partition.
  const offsets = await admin.fetchTopicOffsets(TOPICS.events);
  const messages = [];
  const consumer = kafka.consumer({ groupId: `${PREFIX}-dump-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.events, fromBeginning: true });
  const wanted = offsets.reduce((n, o) => n + Number(o.high), 0);
  await new Promise((resolve, reject) => {
    consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({
          partition, offset: message.offset, timestamp: message.timestamp,
          key: message.key?.toString('utf8') ?? null, value: message.value?.toString('utf8') ?? null,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString('utf8') ?? null])),
        });
        if (messages.length === wanted) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  await admin.disconnect();
  messages.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));

  const dump = execFileSync('pg_dump', ['--schema', SCHEMA, '--inserts', '--no-owner', '--no-privileges', '--dbname', DATABASE_URL], { encoding: 'utf8', maxBuffer: 64 << 20 })
    // psql meta-commands (\restrict in newer pg_dump) are not SQL; the test runs the dump through a driver.
    .split('\n').filter((line) => !line.startsWith('\\')).join('\n');

  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'log.ndjson'), messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
  fs.writeFileSync(path.join(out, 'database.sql'), dump);
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({
    release, madeBy: 'scripts/make-upgrade-fixture.js', partitions: offsets.length,
    placeholders: { schema: SCHEMA, topicPrefix: PREFIX, group: GROUP }, subjects: [...new Set(story().map((r) => r.subject))],
  }, null, 2) + '\n');
  say(`${messages.length} messages on ${offsets.length} partitions and the schema of release ${release.slice(0, 7)} written to ${path.relative(root, out)}`);
  process.exit(0);
}

main().catch((e) => {
  console.error(`[upgrade-fixture] ${e.stack || e}`);
  process.exit(1);
});
