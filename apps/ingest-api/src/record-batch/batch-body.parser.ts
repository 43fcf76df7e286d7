/** The batch body could not be split into lines at all. */
export class BatchBodyError extends Error {
  readonly code = 'invalid_batch';
}

/** Most lines one batch request may carry. */
export const MAX_BATCH_LINES = 10_000;

type BatchLine = { line: number; body: unknown; parseError?: string };

/**
 * Splits a JSON array or NDJSON text into numbered lines; a line that is not JSON is kept with its
 * parse error. A body over {@link MAX_BATCH_LINES} is refused as soon as that is known, before its
 * lines become objects: 16 MiB of tiny lines would otherwise be millions of them.
 */
export function splitBatch(body: unknown, contentType: string | undefined): BatchLine[] {
  if (contentType?.startsWith('application/x-ndjson')) {
    if (typeof body !== 'string') throw new BatchBodyError('send NDJSON text: one JSON report per line');
    return splitNdjson(body);
  }
  if (!Array.isArray(body)) throw new BatchBodyError('send a JSON array of reports, or NDJSON with Content-Type: application/x-ndjson');
  if (body.length > MAX_BATCH_LINES) throw tooManyLines();
  return body.map((b, i) => ({ line: i + 1, body: b }));
}

function splitNdjson(text: string): BatchLine[] {
  const lines: BatchLine[] = [];
  for (let start = 0, line = 1; start <= text.length; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const json = text.slice(start, end);
    start = end + 1;
    if (json.trim() === '') continue;
    if (lines.length === MAX_BATCH_LINES) throw tooManyLines();
    try {
      lines.push({ line, body: JSON.parse(json) });
    } catch (e) {
      lines.push({ line, body: undefined, parseError: (e as Error).message });
    }
  }
  return lines;
}

function tooManyLines(): BatchBodyError {
  return new BatchBodyError(`a batch holds at most ${MAX_BATCH_LINES} reports; split it into several requests`);
}
