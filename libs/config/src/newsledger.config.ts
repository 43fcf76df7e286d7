import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1));

const port = z.coerce.number().int().min(0).max(65535);

/**
 * An API base URL for the clients (`NEWSLEDGER_*_URL`, the CLI's `--url`): http or https, with a
 * host. A bare `host:port` would otherwise pass as a URL whose scheme is `host:`, and a client
 * would retry it forever as if the API were down.
 */
export function apiUrlSchema(example: string) {
  return z.url({ protocol: /^https?$/, error: `must be an http or https URL with a host, such as ${example}` });
}

/** The port of the local broker `npm start` and `npm test` bring up (scripts/kafka/kafka.js), with SASL. */
export const LOCAL_KAFKA_PORT = 9094;

const principal = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'a Kafka user name: letters, digits, ".", "_" or "-"');

const schema = z.object({
  KAFKA_BROKERS: csv.default([`127.0.0.1:${LOCAL_KAFKA_PORT}`]),
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).default('scram-sha-512'),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_INGEST_PRINCIPAL: principal.default('newsledger-ingest'),
  KAFKA_PROJECTOR_PRINCIPAL: principal.default('newsledger-projector'),
  KAFKA_QUERY_PRINCIPAL: principal.default('newsledger-query'),
  KAFKA_CLI_PRINCIPAL: principal.default('newsledger-cli'),
  KAFKA_DIRECT_PUBLISHERS: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(principal))
    .default([]),
  KAFKA_ADMIN_USERNAME: z.string().min(1).optional(),
  KAFKA_ADMIN_PASSWORD: z.string().min(1).optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('newsledger'),
  INBOUND_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]{1,150}$/, 'a Kafka topic name prefix: letters, digits, ".", "_" or "-", such as "newsledger.inbound."').default('newsledger.inbound.'),
  INBOUND_GROUP_ID: z.string().min(1).optional(),
  INBOUND_ADMISSION: z.enum(['on', 'off']).default('on'),
  INBOUND_REFRESH_MS: z.coerce.number().int().min(100).default(5000),
  INBOUND_STALL_AFTER_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  EVENTS_TOPIC: z.string().min(1).default('newsledger.events'),
  STATUS_CHANGES_TOPIC: z.string().min(1).default('newsledger.status-changes'),
  DLQ_TOPIC: z.string().min(1).default('newsledger.events.dlq'),
  EVENTS_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  PROJECTOR_GROUP_ID: z.string().min(1).default('newsledger-projector'),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(30_000),
  PROJECTOR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(6),
  PROJECTOR_CATCH_UP_PARTITIONS: z.coerce.number().int().min(0).max(64).default(6),
  PROJECTOR_FETCH_WAIT_MS: z.coerce.number().int().min(0).max(500).default(20),
  INGEST_APPEND_LINGER_MS: z.coerce.number().int().min(0).max(50).default(2),
  PROJECTOR_STALL_AFTER_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/newsledger'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  QUERY_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(20_000),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL identifier such as "public"').default('public'),
  SNAPSHOT_EVERY: z.coerce.number().int().min(1).default(500),
  REBUILD_SWITCH_LAG: z.coerce.number().int().min(0).default(1000),
  REBUILD_SWITCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  REBUILD_LOCK_TIMEOUT_MS: z.coerce.number().int().min(10).default(2000),
  JOB_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  JOB_POLL_MS: z.coerce.number().int().min(50).default(1000),
  INGEST_PORT: port.default(3000),
  QUERY_PORT: port.default(3001),
  METRICS_PORT: port.default(3002),
  HOST: z.string().default('127.0.0.1'),
  NEWSLEDGER_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: z.enum(['true', 'false']).optional(),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  NO_COLOR: z.string().optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  MAX_BATCH_BODY_BYTES: z.coerce.number().int().min(1024).default(16_777_216),
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).default(20_000),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).default(1000),
  FEED_HEARTBEAT_MS: z.coerce.number().int().min(100).default(15_000),
  FEED_MAX_BUFFERED_BYTES: z.coerce.number().int().min(65_536).default(4_194_304),
  FEED_SWEEP_MS: z.coerce.number().int().min(100).default(2000),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  RELAY_POLL_MS: z.coerce.number().int().min(50).default(1000),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z.enum(['true', 'false']).default('false'),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(10).default(600_000),
  WEBHOOK_RETRY_PERIOD_MS: z.coerce.number().int().min(1000).default(86_400_000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(50).default(1000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  NEWSLEDGER_INGEST_URL: apiUrlSchema('http://127.0.0.1:3000').optional(),
  NEWSLEDGER_QUERY_URL: apiUrlSchema('http://127.0.0.1:3001').optional(),
  NEWSLEDGER_KEY: z.string().min(1).optional(),
});

/** How a client authenticates to the broker (SASL over the broker's SASL listener). */
export interface KafkaSasl {
  /** `KAFKA_SASL_MECHANISM`. @defaultValue `'scram-sha-512'` */
  readonly mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain';
  /** `KAFKA_SASL_USERNAME`: the process's own Kafka principal. */
  readonly username: string;
  /** `KAFKA_SASL_PASSWORD` */
  readonly password: string;
}

/** The whole process configuration, validated once at start-up and frozen. */
export interface NewsledgerConfig {
  readonly kafka: {
    /** @defaultValue `['127.0.0.1:9094']`, the local broker ({@link LOCAL_KAFKA_PORT}) */
    readonly brokers: readonly string[];
    /** Set when `KAFKA_SASL_USERNAME` is; absent, the client connects unauthenticated (the broker refuses it). */
    readonly sasl: KafkaSasl | undefined;
    /**
     * The Kafka user of each app, to which `newsledger kafka-access` grants that app's rights.
     * @defaultValue `newsledger-ingest`, `newsledger-projector`, `newsledger-query`, `newsledger-cli`
     */
    readonly principals: { readonly ingest: string; readonly projector: string; readonly query: string; readonly cli: string };
    /**
     * `KAFKA_DIRECT_PUBLISHERS`: Kafka users `newsledger kafka-access` also lets write the events
     * topic directly, as ingestors could before the broker had logins. Such a user names its own
     * `ingestor` (the CloudEvent's source), so the path is off unless a deployment names them.
     * @defaultValue none
     */
    readonly directPublishers: readonly string[];
    /**
     * `KAFKA_ADMIN_USERNAME`, `KAFKA_ADMIN_PASSWORD`: a login allowed to alter the cluster, with which
     * the query API makes and removes desks' Kafka users, topics and ACLs (`"kafka": true` on a new
     * key). Absent, only the CLI (logged in as the Kafka admin) can. Whoever holds it can grant
     * anything on the broker, so it is given to the query API only by a deployment that wants keys
     * on Kafka made over HTTP. @defaultValue none
     */
    readonly admin: KafkaSasl | undefined;
    /** @defaultValue `'newsledger'` */
    readonly clientId: string;
    /** Desks that publish on Kafka, each to its own inbound topic, admitted by the ingest API. */
    readonly inbound: {
      /** `INBOUND_TOPIC_PREFIX`: a desk's topic is `<prefix><key name>`. @defaultValue `'newsledger.inbound.'` */
      readonly prefix: string;
      /** `INBOUND_GROUP_ID`: the ingest APIs' consumer group on the inbound topics. @defaultValue `<events topic>.admission` */
      readonly groupId: string;
      /** `INBOUND_ADMISSION=off` keeps this ingest API off the inbound topics. @defaultValue `on` */
      readonly admission: boolean;
      /** How often the ingest API reads which desks are on Kafka (new keys, revoked ones). @defaultValue `5000` */
      readonly refreshMs: number;
      /** `INBOUND_STALL_AFTER_MS`: a desk's topic whose admission has not moved for this long while messages wait is named stalled on `/health`. @defaultValue `60000` */
      readonly stallAfterMs: number;
    };
    readonly topics: { readonly events: string; readonly statusChanges: string; readonly dlq: string };
    /** Partitions of the events topic when it is created. @defaultValue `6` */
    readonly eventsPartitions: number;
    /** @defaultValue `'newsledger-projector'` */
    readonly projectorGroupId: string;
    /** How long a silent consumer keeps its partitions before the group moves them. @defaultValue `30000` */
    readonly sessionTimeoutMs: number;
    /**
     * Partitions the projector takes at the same time from a fetch. Large batches (a backlog) get
     * a transaction each, so one partition's PostgreSQL round trips overlap another's decoding;
     * small ones (live traffic) share one transaction. @defaultValue `6`, the events topic's
     * default partition count
     */
    readonly projectorConcurrency: number;
    /**
     * How many partitions that are catching up (a backlog) the projector applies at once; the
     * others wait their turn, 5 s each. Their batches are three times larger (12 MiB fetches
     * against 4), so each subject's row is rewritten a third as often; they reduce one at a time
     * and write one at a time. Live traffic never waits. @defaultValue `6`; 0: all side by side,
     * 4 MiB fetches
     */
    readonly projectorCatchUpPartitions: number;
    /**
     * How long the projector's next fetch waits after a batch of live traffic, so that what arrives
     * meanwhile is applied in one transaction: fewer, larger transactions, each event at most this
     * much later. A backlog never waits; 0: no wait.
     */
    readonly projectorFetchWaitMs: number;
    /**
     * How long the ingest API's append waits, when none is in flight, for the reports of the next
     * few milliseconds to go out in the same Kafka request: each request costs the broker and the
     * client far more than a report in it. 0: at once.
     */
    readonly appendLingerMs: number;
    /**
     * How long a partition with messages to project may go without its checkpoint moving before
     * the projector's `/health` answers 503 naming it. @defaultValue `60000`
     */
    readonly projectorStallAfterMs: number;
  };
  readonly database: {
    /** @defaultValue `'postgres://postgres@127.0.0.1:5432/newsledger'` */
    readonly url: string;
    /** @defaultValue `10` */
    readonly poolSize: number;
    /**
     * The PostgreSQL schema holding every table (the connection's search_path), so several stacks
     * can share one database without seeing each other — a rebuild swaps only this schema's tables.
     * @defaultValue `'public'`
     */
    readonly schema: string;
    /**
     * Longest a statement of the query API may run before PostgreSQL stops it: a request then
     * answers 503 `query_timeout`, and the status-change feed's reads fail and are made again instead
     * of holding the feed up. Each statement reads a page or one subject's events, so none comes near
     * it unless a lock or an overloaded server holds it up. Below the client's 30 s a request, so
     * the answer reaches it. Migrations, and a subscription's delete with its delivery log, are not
     * bound by it. @defaultValue `20000`; 0: no limit
     */
    readonly queryStatementTimeoutMs: number;
  };
  readonly http: {
    /** @defaultValue `'127.0.0.1'` */
    readonly host: string;
    /** @defaultValue `3000` */
    readonly ingestPort: number;
    /** @defaultValue `3001` */
    readonly queryPort: number;
    /**
     * The projector's own HTTP port, for `/metrics` and `/health` only (it serves no API). A second
     * projector on the same host needs another one; `0` takes any free port.
     * @defaultValue `3002`
     */
    readonly metricsPort: number;
    /** Largest single-report body. @defaultValue 1 MiB */
    readonly maxBodyBytes: number;
    /** Largest batch body. @defaultValue 16 MiB */
    readonly maxBatchBodyBytes: number;
    /** Requests one key (or one address without a key) may make per window. @defaultValue 20000 per 1000 ms */
    readonly rateLimit: { readonly requests: number; readonly windowMs: number };
  };
  /** The status-change feed as the query API serves it over Server-Sent Events. */
  readonly feed: {
    /** Interval of the comment lines that keep idle streams open through proxies. @defaultValue `15000` */
    readonly heartbeatMs: number;
    /** Unsent bytes a slow client may hold before it is cut off (it resumes with Last-Event-ID). @defaultValue 4 MiB */
    readonly maxBufferedBytes: number;
    /** A relayed change the Kafka consumer has not delivered within this long is read from PostgreSQL instead. @defaultValue `2000` */
    readonly sweepMs: number;
  };
  /** The projector's outbox relay to the status-changes topic. */
  readonly relay: {
    /** Changes per Kafka request. @defaultValue `500` */
    readonly batchSize: number;
    /** Fallback poll when no notification arrives, and the retry interval for the relay lock. @defaultValue `1000` */
    readonly pollMs: number;
  };
  readonly webhooks: {
    /** Allow loopback and private-range target URLs (tests, single-host setups). @defaultValue `false` */
    readonly allowPrivateTargets: boolean;
    /** First retry delay; doubles on each failure, with jitter. @defaultValue `1000` */
    readonly retryBaseMs: number;
    /** Longest delay between two attempts. @defaultValue `600000` (10 min) */
    readonly retryMaxMs: number;
    /** How long one delivery is retried before the subscription is disabled. @defaultValue `86400000` (24 h) */
    readonly retryPeriodMs: number;
    /** Per-attempt timeout. @defaultValue `10000` */
    readonly timeoutMs: number;
    /** Fallback poll for new changes and due retries. @defaultValue `1000` */
    readonly pollMs: number;
    /** Deliveries in flight per projector process (different subjects only). @defaultValue `16` */
    readonly concurrency: number;
  };
  /** Time travel, rebuild and verify. */
  readonly audit: {
    /** The projector stores a snapshot of a subject's state each time its event count passes a multiple of this. @defaultValue `500` */
    readonly snapshotEvery: number;
    readonly rebuild: {
      /** The switch to the new generation is attempted once it is at most this many events behind the live views. @defaultValue `1000` */
      readonly switchLag: number;
      /** Longest the live projector is held for one switch attempt; on timeout the rebuild catches up and tries again. @defaultValue `10000` */
      readonly switchTimeoutMs: number;
      /** Longest the table swap waits for running reads (reads wait behind it meanwhile); then the attempt is retried. @defaultValue `2000` */
      readonly lockTimeoutMs: number;
    };
    /** Rebuild and verify jobs, run by the projector's job workers. */
    readonly jobs: {
      /** How long a worker's claim on a job holds without renewal (renewed every third of it); a job whose worker died is taken over after it. @defaultValue `30000` */
      readonly leaseMs: number;
      /** How often an idle worker looks for a job. @defaultValue `1000` */
      readonly pollMs: number;
    };
  };
  /** How the CLI reaches the APIs. */
  readonly client: {
    /** `NEWSLEDGER_INGEST_URL`. @defaultValue `http://<HOST>:<INGEST_PORT>` */
    readonly ingestUrl: string;
    /** `NEWSLEDGER_QUERY_URL`. @defaultValue `http://<HOST>:<QUERY_PORT>` */
    readonly queryUrl: string;
    /** `NEWSLEDGER_KEY`, else `NEWSLEDGER_ADMIN_KEY`. */
    readonly key: string | undefined;
  };
  /** A key with every scope, so scripts and tests can start from nothing. */
  readonly adminKey: string | undefined;
  readonly log: {
    readonly level: string;
    /**
     * One readable line per record instead of JSON: `LOG_FORMAT=pretty|json`, else `LOG_PRETTY`.
     * @defaultValue readable at a terminal, JSON otherwise
     */
    readonly pretty: boolean;
    /** Readable lines are coloured unless `NO_COLOR` is set (https://no-color.org). */
    readonly colour: boolean;
  };
}

/** Raised when the environment cannot be turned into a configuration; lists every bad variable. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  constructor(readonly details: { variable: string; message: string }[]) {
    super(`invalid configuration: ${details.map((d) => `${d.variable}: ${d.message}`).join('; ')}`);
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Reads the environment once; every variable has a working default. */
export function loadConfig(env: Record<string, string | undefined> = process.env): NewsledgerConfig {
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message })));
  }
  const e = parsed.data;
  if ((e.KAFKA_SASL_USERNAME === undefined) !== (e.KAFKA_SASL_PASSWORD === undefined)) {
    const missing = e.KAFKA_SASL_USERNAME === undefined ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD';
    throw new ConfigError([{ variable: missing, message: 'set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD together (the Kafka user of this process)' }]);
  }
  if ((e.KAFKA_ADMIN_USERNAME === undefined) !== (e.KAFKA_ADMIN_PASSWORD === undefined)) {
    const missing = e.KAFKA_ADMIN_USERNAME === undefined ? 'KAFKA_ADMIN_USERNAME' : 'KAFKA_ADMIN_PASSWORD';
    throw new ConfigError([{ variable: missing, message: 'set KAFKA_ADMIN_USERNAME and KAFKA_ADMIN_PASSWORD together (the Kafka admin login that makes desks\' Kafka users)' }]);
  }
  return deepFreeze({
    kafka: {
      brokers: e.KAFKA_BROKERS,
      sasl: e.KAFKA_SASL_USERNAME !== undefined && e.KAFKA_SASL_PASSWORD !== undefined
        ? { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD }
        : undefined,
      principals: { ingest: e.KAFKA_INGEST_PRINCIPAL, projector: e.KAFKA_PROJECTOR_PRINCIPAL, query: e.KAFKA_QUERY_PRINCIPAL, cli: e.KAFKA_CLI_PRINCIPAL },
      directPublishers: e.KAFKA_DIRECT_PUBLISHERS,
      admin: e.KAFKA_ADMIN_USERNAME !== undefined && e.KAFKA_ADMIN_PASSWORD !== undefined
        ? { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_ADMIN_USERNAME, password: e.KAFKA_ADMIN_PASSWORD }
        : undefined,
      clientId: e.KAFKA_CLIENT_ID,
      inbound: {
        prefix: e.INBOUND_TOPIC_PREFIX,
        groupId: e.INBOUND_GROUP_ID ?? `${e.EVENTS_TOPIC}.admission`,
        admission: e.INBOUND_ADMISSION === 'on',
        refreshMs: e.INBOUND_REFRESH_MS,
        stallAfterMs: e.INBOUND_STALL_AFTER_MS,
      },
      topics: { events: e.EVENTS_TOPIC, statusChanges: e.STATUS_CHANGES_TOPIC, dlq: e.DLQ_TOPIC },
      eventsPartitions: e.EVENTS_PARTITIONS,
      projectorGroupId: e.PROJECTOR_GROUP_ID,
      sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
      projectorConcurrency: e.PROJECTOR_CONCURRENCY,
      projectorCatchUpPartitions: e.PROJECTOR_CATCH_UP_PARTITIONS,
      projectorFetchWaitMs: e.PROJECTOR_FETCH_WAIT_MS,
      appendLingerMs: e.INGEST_APPEND_LINGER_MS,
      projectorStallAfterMs: e.PROJECTOR_STALL_AFTER_MS,
    },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, schema: e.DATABASE_SCHEMA, queryStatementTimeoutMs: e.QUERY_STATEMENT_TIMEOUT_MS },
    http: {
      host: e.HOST,
      ingestPort: e.INGEST_PORT,
      queryPort: e.QUERY_PORT,
      metricsPort: e.METRICS_PORT,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxBatchBodyBytes: e.MAX_BATCH_BODY_BYTES,
      rateLimit: { requests: e.RATE_LIMIT_REQUESTS, windowMs: e.RATE_LIMIT_WINDOW_MS },
    },
    feed: { heartbeatMs: e.FEED_HEARTBEAT_MS, maxBufferedBytes: e.FEED_MAX_BUFFERED_BYTES, sweepMs: e.FEED_SWEEP_MS },
    relay: { batchSize: e.RELAY_BATCH_SIZE, pollMs: e.RELAY_POLL_MS },
    webhooks: {
      allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS === 'true',
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      retryPeriodMs: e.WEBHOOK_RETRY_PERIOD_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      pollMs: e.WEBHOOK_POLL_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
    },
    audit: {
      snapshotEvery: e.SNAPSHOT_EVERY,
      rebuild: { switchLag: e.REBUILD_SWITCH_LAG, switchTimeoutMs: e.REBUILD_SWITCH_TIMEOUT_MS, lockTimeoutMs: e.REBUILD_LOCK_TIMEOUT_MS },
      jobs: { leaseMs: e.JOB_LEASE_MS, pollMs: e.JOB_POLL_MS },
    },
    client: {
      ingestUrl: (e.NEWSLEDGER_INGEST_URL ?? `http://${e.HOST}:${e.INGEST_PORT}`).replace(/\/+$/, ''),
      queryUrl: (e.NEWSLEDGER_QUERY_URL ?? `http://${e.HOST}:${e.QUERY_PORT}`).replace(/\/+$/, ''),
      key: e.NEWSLEDGER_KEY ?? e.NEWSLEDGER_ADMIN_KEY,
    },
    adminKey: e.NEWSLEDGER_ADMIN_KEY,
    log: {
      level: e.LOG_LEVEL,
      pretty: e.LOG_FORMAT !== undefined ? e.LOG_FORMAT === 'pretty' : e.LOG_PRETTY === undefined ? process.stdout.isTTY === true : e.LOG_PRETTY === 'true',
      colour: e.NO_COLOR === undefined,
    },
  });
}
