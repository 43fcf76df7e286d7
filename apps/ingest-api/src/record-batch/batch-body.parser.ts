/** The batch body could not be split into lines at all. */
export class BatchBodyError extends Error {
  readonly code = 'invalid_batch';
}

/** Most lines one batch request may carry. */
export const MAX_BATCH_LINES = 10_000;

/** Splits a JSON array or NDJSON text into numbered lines; a line that is not JSON is kept with its parse error. */
export function splitBatch(body: unknown, contentType: string | undefined): { line: number; body: unknown; parseError?: string }[] {
  let lines: { line: number; body: unknown; parseError?: string }[];
  if (contentType?.startsWith('application/x-ndjson')) {
    if (typeof body !== 'string') throw new BatchBodyError('send NDJSON text: one JSON report per line');
    lines = [];
    body.split('\n').forEach((text, i) => {
      if (text.trim() === '') return;
      try {
        lines.push({ line: i + 1, body: JSON.parse(text) });
      } catch (e) {
        lines.push({ line: i + 1, body: undefined, parseError: (e as Error).message });
      }
    });
  } else if (Array.isArray(body)) {
    lines = body.map((b, i) => ({ line: i + 1, body: b }));
  } else {
    throw new BatchBodyError('send a JSON array of reports, or NDJSON with Content-Type: application/x-ndjson');
  }
  if (lines.length > MAX_BATCH_LINES) {
    throw new BatchBodyError(`a batch holds at most ${MAX_BATCH_LINES} reports; split it into several requests`);
  }
  return lines;
}
