import { ApiKeyStore, CreatedKey, KafkaDesks, KEY_NAME_SCHEMA, SCOPES, Scope } from '@newsledger/auth';
import { loadConfig, NewsledgerConfig } from '@newsledger/config';
import { createKafka, KafkaDeskAccess } from '@newsledger/event-log';
import { SUBJECT_KINDS, SubjectKind } from '@newsledger/domain';
import { openDataSource } from '@newsledger/persistence';
import { Command, InvalidArgumentError } from 'commander';

/** The API's rule for key names: the name becomes the ingestor, so a key the API would refuse must not be made here either. */
function nameArg(value: string): string {
  const checked = KEY_NAME_SCHEMA.safeParse(value);
  if (!checked.success) throw new InvalidArgumentError(checked.error.issues.map((i) => i.message).join('; '));
  return checked.data;
}

function scopesArg(value: string): Scope[] {
  const scopes = value.split(',').map((s) => s.trim());
  for (const s of scopes) {
    if (!(SCOPES as readonly string[]).includes(s)) throw new InvalidArgumentError(`unknown scope "${s}"; use ${SCOPES.join(', ')}`);
  }
  return scopes as Scope[];
}

function kindsArg(value: string): SubjectKind[] {
  const kinds = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (kinds.length === 0) throw new InvalidArgumentError(`name at least one subject kind: ${SUBJECT_KINDS.join(', ')}`);
  for (const k of kinds) {
    if (!(SUBJECT_KINDS as readonly string[]).includes(k)) throw new InvalidArgumentError(`unknown subject kind "${k}"; use ${SUBJECT_KINDS.join(', ')}`);
  }
  return kinds as SubjectKind[];
}

async function withStore<T>(fn: (store: ApiKeyStore) => Promise<T>): Promise<T> {
  const { database } = loadConfig();
  const ds = await openDataSource(database.url, 1, database.schema);
  try {
    return await fn(new ApiKeyStore(ds));
  } finally {
    await ds.destroy();
  }
}

/**
 * Desks on Kafka, logged in as `KAFKA_ADMIN_USERNAME` when set, else as the CLI's own Kafka user,
 * which must then be allowed to alter the cluster (the Kafka admin), as for `kafka-access`.
 */
function kafkaDesks({ kafka }: NewsledgerConfig): KafkaDesks {
  const sasl = kafka.admin ?? kafka.sasl;
  return new KafkaDeskAccess(createKafka({ brokers: kafka.brokers, sasl, clientId: `${kafka.clientId}-cli-desks` }), { prefix: kafka.inbound.prefix, brokers: kafka.brokers });
}

/** What `keys create` prints: the key, then for a key on Kafka its login and topics, each once. */
export function formatCreatedKey(created: CreatedKey): string {
  const limits = `scopes ${created.scopes.join(',')}${created.subjectKinds ? `, ${created.subjectKinds.join(',')} subjects only` : ''}`;
  const lines = [created.key, `(id ${created.id}, ${limits}; shown once)`];
  const kafka = created.kafka as { username: string; password: string; topic: string; rejectionsTopic: string; groupPrefix: string; brokers: string[] } | undefined;
  if (kafka) {
    lines.push(
      '',
      `Kafka (SASL/SCRAM-SHA-512 on ${kafka.brokers.join(',')}; the password is shown once):`,
      `  user      ${kafka.username}`,
      `  password  ${kafka.password}`,
      `  publish to         ${kafka.topic}   (reports, keyed by subject)`,
      `  refused reports on ${kafka.rejectionsTopic}   (consumer groups starting "${kafka.groupPrefix}")`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The keys as a table with a header row; an empty list says so. */
export function formatKeys(all: readonly { id: string; name: string; scopes: readonly string[]; subjectKinds?: readonly string[] | null; kafkaUser?: string | null; revokedAt: string | null }[]): string {
  if (all.length === 0) return 'no keys yet: newsledger keys create --name <name> --scopes <scopes>\n';
  const rows = all.map((k) => [k.id, k.name, k.scopes.join(','), (k.subjectKinds ?? ['all']).join(','), k.kafkaUser ?? '-', k.revokedAt ? `revoked ${k.revokedAt}` : 'active']);
  const header = ['ID', 'NAME', 'SCOPES', 'KINDS', 'KAFKA', 'STATUS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

/** `newsledger keys create|list|revoke`: API keys, straight in the database. */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke API keys');
  keys
    .command('create')
    .description('create a key; it is printed once and only its hash is kept')
    .requiredOption('-n, --name <name>', 'who uses it: becomes the ingestor of the reports it writes, e.g. reuters-desk', nameArg)
    .requiredOption('-s, --scopes <scopes>', `comma-separated: ${SCOPES.join(', ')}`, scopesArg)
    .option('-k, --kinds <kinds>', `comma-separated subject kinds it may write reports about (${SUBJECT_KINDS.join(', ')}); default every kind`, kindsArg)
    .option('--kafka', 'also give it a Kafka user of its own, which may publish only to its inbound topic (an ingest key; run as the Kafka admin)')
    .option('--json', 'print JSON')
    .action(async (o: { name: string; scopes: Scope[]; kinds?: SubjectKind[]; kafka?: boolean; json?: boolean }) => {
      const created = await withStore((s) => s.create(o.name, o.scopes, o.kinds, o.kafka ? kafkaDesks(loadConfig()) : undefined));
      process.stdout.write(o.json ? `${JSON.stringify(created)}\n` : formatCreatedKey(created));
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const all = await withStore((s) => s.list());
      if (o.json) return void process.stdout.write(`${JSON.stringify(all)}\n`);
      process.stdout.write(formatKeys(all));
    });
  keys
    .command('revoke <id>')
    .description('revoke a key; it is refused from the next request on, and a key on Kafka loses its Kafka login (run as the Kafka admin)')
    .action(async (id: string) => {
      const config = loadConfig();
      const revoked = await withStore((s) => s.revoke(id, config.kafka.admin ?? config.kafka.sasl ? kafkaDesks(config) : undefined));
      if (!revoked) throw Object.assign(new Error(`no active key "${id}"`), { exitCode: 2 });
      process.stdout.write(`revoked ${id}${revoked.kafkaUser ? ` and its Kafka user ${revoked.kafkaUser}` : ''}\n`);
      if (revoked.kafkaUserLeft) process.stdout.write(`its Kafka user ${revoked.kafkaUserLeft} is still there: run this again logged in as the Kafka admin\n`);
    });
}
