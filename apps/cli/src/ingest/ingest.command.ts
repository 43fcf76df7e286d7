import { NewsledgerClient, NewsledgerError } from '@newsledger/client';
import type { ReportInput } from '@newsledger/domain';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ApiOptions, clientFor, withApiOptions } from '../api.connections';
import { CommandFailed } from '../audit.connections';
import { styleFor } from '../terminal.style';
import { count, emptySummary, formatSummary, IngestSummary, plural } from './ingest.summary';
import { reportOfLine } from './exported-event';
import { readNdjson } from './ndjson.reader';

interface IngestOptions extends ApiOptions {
  chunkSize: number;
  json?: boolean;
}

/** The batch endpoint's own limit. */
const MAX_CHUNK = 10_000;

function chunkSizeArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CHUNK) throw new InvalidArgumentError(`a whole number from 1 to ${MAX_CHUNK}`);
  return n;
}

async function openInput(file: string): Promise<{ input: Readable; size: number | undefined }> {
  if (file === '-') return { input: process.stdin, size: undefined };
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new CommandFailed(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, 2);
  });
  if (!info.isFile()) throw new CommandFailed(`cannot read ${file}: not a file`, 2);
  return { input: createReadStream(file), size: info.size };
}

/**
 * Sends the file in chunks, one request after another, so the file's order holds between chunks.
 * Lines that are not JSON never leave the machine: they are reported like the server's rejections.
 */
async function ingest(file: string, o: IngestOptions, client: NewsledgerClient, bar: SingleBar | undefined): Promise<IngestSummary> {
  const { input, size } = await openInput(file);
  const summary = emptySummary(file === '-' ? 'stdin' : file);
  let chunk: { line: number; report: unknown }[] = [];
  const progress = (bytes: number) => bar?.update(bytes, { reports: summary.reports, noun: summary.reports === 1 ? 'report' : 'reports', accepted: summary.accepted + summary.duplicates, rejected: summary.rejected });
  const flush = async () => {
    if (chunk.length === 0) return;
    const sending = chunk;
    chunk = [];
    // The server validates every report and says what is wrong with each; checking here too would only duplicate it.
    const result = await client.recordBatch(sending.map((c) => c.report as ReportInput));
    result.results.forEach((r, i) => count(summary, sending[i].line, r));
  };
  bar?.start(size ?? 0, 0, { reports: 0, noun: 'reports', accepted: 0, rejected: 0 });
  let first = 0;
  try {
    for await (const l of readNdjson(input)) {
      summary.reports += 1;
      if ('error' in l) count(summary, l.line, { line: l.line, status: 'rejected', error: 'invalid_json', message: l.error });
      else {
        if (chunk.length === 0) first = l.line;
        chunk.push({ line: l.line, report: reportOfLine(l.value) });
      }
      if (chunk.length >= o.chunkSize) await flush();
      progress(l.bytesRead);
    }
    await flush();
    progress(size ?? 0);
  } catch (e) {
    if (!(e instanceof NewsledgerError)) throw e;
    summary.stopped = { error: e.code, message: e.message, fromLine: first };
    if (file !== '-') (input as ReturnType<typeof createReadStream>).destroy();
  } finally {
    bar?.stop();
  }
  return summary;
}

/** `newsledger ingest <file>`: records an NDJSON file of reports through the batch endpoint. */
export function registerIngestCommand(program: Command): void {
  const command = program
    .command('ingest <file>')
    .description('record the reports of an NDJSON file (one report per line; - reads stdin) and list every line not recorded')
    .option('-c, --chunk-size <n>', `reports per request, 1 to ${MAX_CHUNK}; chunks are sent in file order, the reports of one chunk in any order`, chunkSizeArg, 500)
    .option('--json', 'print the summary as JSON: {file, reports, accepted, duplicates, rejected, failed, problems: [{line, status, error, message, details?}]}');
  withApiOptions(command, 'ingest')
    .addHelpText(
      'after',
      `
Each line is a report as POST /v1/reports takes it, or an event as "newsledger export" writes
it (recorded again under its eventId, so an export ingested twice finds only duplicates). Give every line an "id": the client adds
one to a line without, so its retries are safe, but running the same file again would then record
those lines twice; with ids, a second run only finds duplicates.

Exit codes:
  0  every report recorded (accepted, or already on record)
  1  some lines rejected: each is listed with its line number and reason; the others are recorded
  2  usage error, the ingest API unreachable or refusing the key, or reports still not recorded
     after retries (run again; ids make it safe)

Examples:
  $ npx newsledger ingest reports.ndjson
  $ NEWSLEDGER_KEY=... npx newsledger ingest --url http://ingest.local:3000 reports.ndjson
  $ jq -c '.[]' reports.json | npx newsledger ingest - --json`,
    )
    .action(async (file: string, o: IngestOptions) => {
      const client = clientFor('ingest', o, {
        onRetry: ({ attempt, delayMs, error }) => process.stderr.write(`newsledger ingest: ${error.message}; retry ${attempt} in ${delayMs} ms\n`),
      });
      const bar =
        process.stderr.isTTY && file !== '-'
          ? new SingleBar({ format: 'ingesting [{bar}] {percentage}% | {reports} {noun}: {accepted} recorded, {rejected} rejected', stream: process.stderr, hideCursor: true })
          : undefined;
      const summary = await ingest(file, o, client, bar);
      process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary, styleFor(process.stdout)));
      if (summary.stopped) {
        throw new CommandFailed(`sending stopped at line ${summary.stopped.fromLine}: ${summary.stopped.error}`, 2);
      }
      if (summary.failed > 0) throw new CommandFailed(`${plural(summary.failed, 'report')} not recorded; run again`, 2);
      if (summary.rejected > 0) throw new CommandFailed(`${plural(summary.rejected, 'line')} rejected`, 1);
    });
}
