import { ApiKeyStore, KEY_NAME_SCHEMA, SCOPES, Scope } from '@newsledger/auth';
import { loadConfig } from '@newsledger/config';
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

/** The keys as a table with a header row; an empty list says so. */
export function formatKeys(all: readonly { id: string; name: string; scopes: readonly string[]; subjectKinds?: readonly string[] | null; revokedAt: string | null }[]): string {
  if (all.length === 0) return 'no keys yet: newsledger keys create --name <name> --scopes <scopes>\n';
  const rows = all.map((k) => [k.id, k.name, k.scopes.join(','), (k.subjectKinds ?? ['all']).join(','), k.revokedAt ? `revoked ${k.revokedAt}` : 'active']);
  const header = ['ID', 'NAME', 'SCOPES', 'KINDS', 'STATUS'];
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
    .option('--json', 'print JSON')
    .action(async (o: { name: string; scopes: Scope[]; kinds?: SubjectKind[]; json?: boolean }) => {
      const created = await withStore((s) => s.create(o.name, o.scopes, o.kinds));
      const limits = `scopes ${created.scopes.join(',')}${created.subjectKinds ? `, ${created.subjectKinds.join(',')} subjects only` : ''}`;
      process.stdout.write(o.json ? `${JSON.stringify(created)}\n` : `${created.key}\n(id ${created.id}, ${limits}; shown once)\n`);
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
    .description('revoke a key; it is refused from the next request on')
    .action(async (id: string) => {
      if (!(await withStore((s) => s.revoke(id)))) throw Object.assign(new Error(`no active key "${id}"`), { exitCode: 2 });
      process.stdout.write(`revoked ${id}\n`);
    });
}
