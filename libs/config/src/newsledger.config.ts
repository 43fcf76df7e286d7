import { z } from 'zod';

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'each broker must be host:port')).min(1));

const port = z.coerce.number().int().min(0).max(65535);

const schema = z.object({
  KAFKA_BROKERS: csv.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('newsledger'),
  EVENTS_TOPIC: z.string().min(1).default('newsledger.events'),
  STATUS_CHANGES_TOPIC: z.string().min(1).default('newsledger.status-changes'),
  DLQ_TOPIC: z.string().min(1).default('newsledger.events.dlq'),
  EVENTS_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  PROJECTOR_GROUP_ID: z.string().min(1).default('newsledger-projector'),
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).max(300_000).default(30_000),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/newsledger'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  INGEST_PORT: port.default(3000),
  QUERY_PORT: port.default(3001),
  HOST: z.string().default('127.0.0.1'),
  NEWSLEDGER_ADMIN_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: z.enum(['true', 'false']).optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  MAX_BATCH_BODY_BYTES: z.coerce.number().int().min(1024).default(16_777_216),
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).default(20_000),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).default(1000),
});

/** The whole process configuration, validated once at start-up and frozen. */
export interface NewsledgerConfig {
  readonly kafka: {
    /** @defaultValue `['127.0.0.1:9092']` */
    readonly brokers: readonly string[];
    /** @defaultValue `'newsledger'` */
    readonly clientId: string;
    readonly topics: { readonly events: string; readonly statusChanges: string; readonly dlq: string };
    /** Partitions of the events topic when it is created. @defaultValue `6` */
    readonly eventsPartitions: number;
    /** @defaultValue `'newsledger-projector'` */
    readonly projectorGroupId: string;
    /** How long a silent consumer keeps its partitions before the group moves them. @defaultValue `30000` */
    readonly sessionTimeoutMs: number;
  };
  readonly database: {
    /** @defaultValue `'postgres://postgres@127.0.0.1:5432/newsledger'` */
    readonly url: string;
    /** @defaultValue `10` */
    readonly poolSize: number;
  };
  readonly http: {
    /** @defaultValue `'127.0.0.1'` */
    readonly host: string;
    /** @defaultValue `3000` */
    readonly ingestPort: number;
    /** @defaultValue `3001` */
    readonly queryPort: number;
    /** Largest single-report body. @defaultValue 1 MiB */
    readonly maxBodyBytes: number;
    /** Largest batch body. @defaultValue 16 MiB */
    readonly maxBatchBodyBytes: number;
    /** Requests one key (or one address without a key) may make per window. @defaultValue 20000 per 1000 ms */
    readonly rateLimit: { readonly requests: number; readonly windowMs: number };
  };
  /** A key with every scope, so scripts and tests can start from nothing. */
  readonly adminKey: string | undefined;
  readonly log: { readonly level: string; readonly pretty: boolean };
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
  return deepFreeze({
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      topics: { events: e.EVENTS_TOPIC, statusChanges: e.STATUS_CHANGES_TOPIC, dlq: e.DLQ_TOPIC },
      eventsPartitions: e.EVENTS_PARTITIONS,
      projectorGroupId: e.PROJECTOR_GROUP_ID,
      sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
    },
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    http: {
      host: e.HOST,
      ingestPort: e.INGEST_PORT,
      queryPort: e.QUERY_PORT,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxBatchBodyBytes: e.MAX_BATCH_BODY_BYTES,
      rateLimit: { requests: e.RATE_LIMIT_REQUESTS, windowMs: e.RATE_LIMIT_WINDOW_MS },
    },
    adminKey: e.NEWSLEDGER_ADMIN_KEY,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY === undefined ? process.stdout.isTTY === true : e.LOG_PRETTY === 'true' },
  });
}
