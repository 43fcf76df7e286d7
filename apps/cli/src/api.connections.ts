import { NewsledgerClient, NewsledgerError } from '@newsledger/client';
import { apiUrlSchema, loadConfig } from '@newsledger/config';
import { tryParseSubject } from '@newsledger/domain';
import { Command, InvalidArgumentError } from 'commander';
import { CommandFailed } from './audit.connections';

/** The options every command that talks to an API takes. */
export interface ApiOptions {
  url?: string;
  key?: string;
}

const DEFAULTS = {
  ingest: 'NEWSLEDGER_INGEST_URL, else http://127.0.0.1:3000',
  query: 'NEWSLEDGER_QUERY_URL, else http://127.0.0.1:3001',
};

const EXAMPLE_URLS = { ingest: 'http://127.0.0.1:3000', query: 'http://127.0.0.1:3001' };

/**
 * A `--url` argument, checked by the rule of NEWSLEDGER_*_URL: anything but http(s) with a host
 * would only ever fail to connect, and the feed and the retries would keep trying it.
 */
export function apiUrlArg(api: 'ingest' | 'query'): (value: string) => string {
  const schema = apiUrlSchema(EXAMPLE_URLS[api]);
  return (value) => {
    if (!schema.safeParse(value).success) throw new InvalidArgumentError(`an http or https URL with a host, such as ${EXAMPLE_URLS[api]}`);
    return value;
  };
}

/** Adds `--url` (of the API the command talks to) and `--key`. */
export function withApiOptions(command: Command, api: 'ingest' | 'query'): Command {
  return command
    .option('--url <url>', `${api} API base URL (default ${DEFAULTS[api]})`, apiUrlArg(api))
    .option('--key <key>', `API key with the ${api === 'ingest' ? 'ingest' : 'read'} scope (default NEWSLEDGER_KEY, else NEWSLEDGER_ADMIN_KEY)`);
}

/** A client of one API, from the command's options and the environment. */
export function clientFor(api: 'ingest' | 'query', o: ApiOptions, extra: ConstructorParameters<typeof NewsledgerClient>[0] = {}): NewsledgerClient {
  const { client } = loadConfig();
  const key = o.key ?? client.key;
  if (!key) throw new CommandFailed(`no API key: set NEWSLEDGER_KEY (a key with the ${api === 'ingest' ? 'ingest' : 'read'} scope) or pass --key`, 2);
  const url = o.url ?? (api === 'ingest' ? client.ingestUrl : client.queryUrl);
  return new NewsledgerClient({ ...extra, key, ...(api === 'ingest' ? { ingestUrl: url } : { queryUrl: url }) });
}

/** A subject argument, checked before anything is sent. */
export function subjectArg(value: string): `exchange/${string}` | `negotiation/${string}` {
  if (!tryParseSubject(value)) throw new InvalidArgumentError('a subject such as exchange/ua-ru-2025-05-1000 or negotiation/ua-ru-istanbul-2025');
  return value as `exchange/${string}` | `negotiation/${string}`;
}

/** The API's error as the CLI prints it: code, message, and each detail on a line of its own. */
export function describeApiError(e: NewsledgerError): string {
  const details = (e.details ?? []).map((d) => {
    const issue = d as { path?: unknown; message?: unknown };
    return typeof issue.message === 'string' ? `\n  ${issue.path ? `${String(issue.path)}: ` : ''}${issue.message}` : `\n  ${JSON.stringify(d)}`;
  });
  const where = e.status === null ? '' : ` (HTTP ${e.status}${e.errorId ? `, errorId ${e.errorId}` : ''})`;
  return `${e.code}: ${e.message}${where}${details.join('')}`;
}
