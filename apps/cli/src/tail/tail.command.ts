import { loadConfig } from '@newsledger/config';
import { Command, InvalidArgumentError } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { SseParser } from './sse.parser';

interface TailOptions {
  subject?: string[];
  kind?: string[];
  field?: string[];
  from?: string;
  json?: boolean;
  url?: string;
  key?: string;
}

interface Change {
  id: string;
  subject: string;
  field: string;
  from: string | null;
  to: string | null;
  causedBy: string;
  recordedAt: string;
  retractionOf?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function positionArg(value: string): string {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('an id printed by tail (a whole number); 0 replays from the start');
  return value;
}

/** One line per change: readable by default, or the change as JSON with its position. */
export function formatChange(position: string | undefined, c: Change, json: boolean): string {
  if (json) return JSON.stringify({ position, ...c });
  const cause = c.retractionOf ? `retraction ${c.causedBy} of ${c.retractionOf}` : c.causedBy;
  return `${position ?? '-'}  ${c.recordedAt}  ${c.subject}  ${c.field}: ${c.from ?? '∅'} → ${c.to ?? '∅'}  (${cause})`;
}

/** Raised for an answer that retrying will not fix (bad filter, bad key). */
class TailRefused extends Error {
  readonly exitCode = 2;
}

/**
 * Follows the SSE feed until interrupted, reconnecting after a dropped stream from the last id
 * received, so nothing is missed or printed twice.
 */
async function tail(o: TailOptions, out: (line: string) => void, signal: AbortSignal): Promise<void> {
  const config = loadConfig();
  const base = (o.url ?? config.client.queryUrl).replace(/\/+$/, '');
  const key = o.key ?? config.client.key;
  if (!key) throw new TailRefused('no API key: set NEWSLEDGER_KEY (a key with the read scope) or pass --key');
  const query = new URLSearchParams();
  for (const name of ['subject', 'kind', 'field'] as const) for (const v of o[name] ?? []) query.append(name, v);
  let lastId = o.from;
  let backoff = 500;
  while (!signal.aborted) {
    try {
      const res = await fetch(`${base}/v1/feed/status-changes${query.size ? `?${query}` : ''}`, {
        headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream', ...(lastId !== undefined ? { 'last-event-id': lastId } : {}) },
        signal,
      });
      if (res.status >= 400 && res.status < 500) {
        const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
        throw new TailRefused(`${res.status} ${body.error ?? ''}: ${body.message ?? res.statusText}`);
      }
      if (!res.ok || !res.body) throw new Error(`the query API answered ${res.status}`);
      backoff = 500;
      const parser = new SseParser((e) => {
        lastId = e.id ?? lastId;
        out(formatChange(e.id, JSON.parse(e.data) as Change, o.json === true));
      });
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.push(decoder.decode(chunk, { stream: true }));
    } catch (e) {
      if (e instanceof TailRefused) throw e;
      if (signal.aborted) return;
      process.stderr.write(`newsledger tail: ${(e as Error).message}; reconnecting${lastId !== undefined ? ` after ${lastId}` : ''}\n`);
    }
    await sleep(backoff, undefined, { signal }).catch(() => undefined);
    backoff = Math.min(backoff * 2, 30_000);
  }
}

/** `newsledger tail`: prints the status-change feed as it happens. */
export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description('print status changes as they happen (the SSE feed); reconnects without missing any')
    .option('-s, --subject <subject>', 'only this subject, e.g. exchange/ua-ru-2025-05-1000 (repeatable)', collect)
    .option('-k, --kind <kind>', 'only exchange or negotiation (repeatable)', collect)
    .option('-f, --field <field>', 'only status or reportedStatus (repeatable)', collect)
    .option('--from <id>', 'start after this id (as printed first on each line); 0 replays every change', positionArg)
    .option('--json', 'one JSON object per line: {"position", ...the change}')
    .option('--url <url>', 'query API base URL (default NEWSLEDGER_QUERY_URL, else http://127.0.0.1:3001)')
    .option('--key <key>', 'API key with the read scope (default NEWSLEDGER_KEY, else NEWSLEDGER_ADMIN_KEY)')
    .action(async (o: TailOptions) => {
      const stop = new AbortController();
      const quit = () => stop.abort();
      process.once('SIGINT', quit);
      process.once('SIGTERM', quit);
      try {
        await tail(o, (line) => process.stdout.write(`${line}\n`), stop.signal);
      } finally {
        process.off('SIGINT', quit);
        process.off('SIGTERM', quit);
      }
    });
}
