'use strict';
/**
 * Brings up the real infrastructure the project needs (Kafka + PostgreSQL) when it is not
 * already reachable. Plain CommonJS, no build step; used by the start and test commands.
 *
 *   const { ensureInfra, stopOnSignals } = require('./scripts/infra');
 *   const infra = await ensureInfra({ databases: [url1, url2], log });
 *   infra.kafka.brokers, infra.kafka.sasl (the admin's login), infra.kafka.credentials (every local user)
 *   stopOnSignals(infra.stop);   // SIGINT/SIGTERM: stop what we started, exit 130/143
 *   ...
 *   await infra.stop();          // stops the Kafka broker only if this call started it
 *
 * Kafka's start (JVM, possibly a first jar download) runs in parallel with the PostgreSQL
 * checks. A broker we start is tied to this process (see ensureKafka in
 * scripts/kafka/kafka.js); PostgreSQL is never stopped.
 */

const { ensureKafka } = require('../kafka/kafka');
const { ensurePostgres, DEFAULT_URL } = require('./postgres');

const prefixed = (log, tag) => (log ? (msg) => log(`[${tag}] ${msg}`) : () => {});

async function ensureInfra({
  databases = [process.env.DATABASE_URL || DEFAULT_URL],
  brokers,
  log = (msg) => console.log(msg),
  kafka = true,
  detachedKafka = false,
} = {}) {
  const kafkaP = kafka
    ? ensureKafka({ ...(brokers ? { brokers } : {}), detached: detachedKafka, log: prefixed(log, 'kafka') })
    : Promise.resolve({ started: false, stop: async () => {} });
  // databases one after the other: the first one may have to start the server
  const pgP = (async () => {
    const out = [];
    for (const url of databases) out.push(await ensurePostgres({ url, log: prefixed(log, 'postgres') }));
    return out;
  })();

  const [k, p] = await Promise.allSettled([kafkaP, pgP]);
  if (k.status === 'rejected' || p.status === 'rejected') {
    if (k.status === 'fulfilled') await k.value.stop().catch(() => {});
    const errors = [k, p].filter((r) => r.status === 'rejected').map((r) => r.reason);
    if (errors.length === 1) throw errors[0];
    throw new AggregateError(errors, errors.map((e) => e.message).join('\n'));
  }
  return { kafka: k.value, postgres: p.value, stop: () => k.value.stop() };
}

/**
 * On SIGINT or SIGTERM: run stopFn (once; a second signal exits at once), then exit with
 * 130 (SIGINT) or 143 (SIGTERM). Returns a function that removes the handlers.
 * Installing a handler replaces Node's default "die at once"; that is the point: a broker we
 * started gets a clean shutdown instead of the watchdog's delayed SIGTERM.
 */
function stopOnSignals(stopFn, { log = (msg) => console.error(msg) } = {}) {
  let stopping = false;
  const handler = (signal) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (stopping) process.exit(code);
    stopping = true;
    if (log) log(`${signal}: stopping infrastructure we started ...`);
    Promise.resolve()
      .then(() => stopFn())
      .catch((e) => log && log(`stop failed: ${e.message}`))
      .finally(() => process.exit(code));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
}

/**
 * The environment of a process logging in to the local broker as `user` (the local credentials
 * of scripts/kafka/kafka.js): what libs/config reads.
 */
function kafkaEnv(kafka, user = kafka.credentials.admin) {
  const { saslFor } = require('../kafka/kafka');
  const { mechanism, username, password } = saslFor(kafka.credentials, user);
  return { KAFKA_BROKERS: kafka.brokers, KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password };
}

module.exports = { ensureInfra, stopOnSignals, kafkaEnv };
