import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity';
import { EventEntity } from './entities/event.entity';
import { NegotiationExchangeEntity } from './entities/negotiation-exchange.entity';
import { ProjectorOffsetEntity } from './entities/projector-offset.entity';
import { AuditJobEntity } from './entities/audit-job.entity';
import { ReportClaimEntity } from './entities/report-claim.entity';
import { SnapshotEntity } from './entities/snapshot.entity';
import { StatusChangeEntity } from './entities/status-change.entity';
import { ViewEntity } from './entities/view.entity';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';
import { Feeds1764000001000 } from './migrations/1764000001000-feeds';
import { Audit1764000002000 } from './migrations/1764000002000-audit';
import { KeySubjectKinds1764000003000 } from './migrations/1764000003000-key-subject-kinds';
import { StateCompression1764000004000 } from './migrations/1764000004000-state-compression';
import { ViewSummaries1764000005000 } from './migrations/1764000005000-view-summaries';
import { SnapshotJson1764000006000 } from './migrations/1764000006000-snapshot-json';
import { ClaimsFillfactor1764000007000 } from './migrations/1764000007000-claims-fillfactor';
import { Corroboration1764000010000 } from './migrations/1764000010000-corroboration';
import { LogIdentity1764000011000 } from './migrations/1764000011000-log-identity';
import { ExplainedChanges1764000012000 } from './migrations/1764000012000-explained-changes';
import { Headlines1764000013000 } from './migrations/1764000013000-headlines';
import { AgreementsByNegotiation1764000014100 } from './migrations/1764000014100-agreements-by-negotiation';
import { EventDataVersions1764000015000 } from './migrations/1764000015000-event-data-versions';
import { AuditJobs1764000020000 } from './migrations/1764000020000-audit-jobs';
import { KafkaDesks1764000022000 } from './migrations/1764000022000-kafka-desks';
import { AuditJobIdempotency1764000023000 } from './migrations/1764000023000-audit-job-idempotency';

export const ENTITIES = [
  EventEntity,
  ViewEntity,
  ProjectorOffsetEntity,
  NegotiationExchangeEntity,
  StatusChangeEntity,
  ReportClaimEntity,
  ApiKeyEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  SnapshotEntity,
  AuditJobEntity,
];
export const MIGRATIONS = [InitialSchema1764000000000, Feeds1764000001000, Audit1764000002000, KeySubjectKinds1764000003000, StateCompression1764000004000, ViewSummaries1764000005000, SnapshotJson1764000006000, ClaimsFillfactor1764000007000, Corroboration1764000010000, LogIdentity1764000011000, ExplainedChanges1764000012000, Headlines1764000013000, AgreementsByNegotiation1764000014100, EventDataVersions1764000015000, AuditJobs1764000020000, KafkaDesks1764000022000, AuditJobIdempotency1764000023000];

/**
 * TypeORM options shared by the apps, the CLI and the tests; the schema comes only from migrations.
 * @param schema - where every table lives (the connection's search_path); see `database.schema`
 * @param o - `statementTimeoutMs`: longest a statement may run before PostgreSQL stops it (absent or 0: no limit)
 */
export function dataSourceOptions(url: string, poolSize = 10, schema = 'public', o: { statementTimeoutMs?: number } = {}) {
  const settings = [
    'plan_cache_mode=force_custom_plan',
    ...(schema === 'public' ? [] : [`search_path=${schema}`]),
    ...(o.statementTimeoutMs ? [`statement_timeout=${Math.floor(o.statementTimeoutMs)}`] : []),
  ];
  return {
    type: 'postgres' as const,
    url,
    schema,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    // The SQL is unqualified, so the search_path alone decides which schema's tables it sees.
    // Prepared statements (preparedQuery) are planned on every run, for the values they get: a
    // generic plan cannot see how few elements an array parameter holds, and scanned a growing
    // table whole for a handful of claims.
    extra: { max: poolSize, options: settings.map((setting) => `-c ${setting}`).join(' ') },
    // Nest's TypeORM module retries a failed start this often, 1 s apart, before giving up.
    retryAttempts: 5,
    retryDelay: 1000,
  };
}

/** Creates the database named in `url` when it does not exist yet (safe when raced). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e: { code?: string }) => {
        if (e.code !== '42P04') throw e;
      });
    }
  } finally {
    await client.end();
  }
}

/** An arbitrary constant that names the migration lock among advisory locks. */
const MIGRATION_LOCK = 7_340_112;

/**
 * Runs pending migrations under an advisory lock, so apps starting together migrate once.
 * @returns the names of the migrations applied
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  // The lock is held on a connection of its own, outside the pool: with a pool of one, holding it
  // on a pooled connection would leave none for the migrations themselves.
  const lock = new Client({ connectionString: (dataSource.options as { url: string }).url });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const schema = (dataSource.options as { schema?: string }).schema;
    if (schema && schema !== 'public') await lock.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((m) => m.name);
  } finally {
    await lock.end();
  }
}

/** Opens a data source on `url`, creating and migrating the database (and `schema`) first. */
export async function openDataSource(url: string, poolSize = 10, schema = 'public'): Promise<DataSource> {
  await ensureDatabase(url);
  const ds = new DataSource(dataSourceOptions(url, poolSize, schema));
  await ds.initialize();
  await migrate(ds);
  return ds;
}
