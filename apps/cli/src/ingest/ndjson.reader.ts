import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

/** One non-blank line of NDJSON input (lines count from 1, blank ones included). */
export type NdjsonLine = ({ line: number; value: unknown } | { line: number; error: string }) & {
  /** Bytes read so far, for a progress bar. */
  bytesRead: number;
};

/** Parses one line; `undefined` for a blank line, which NDJSON allows and which counts for nothing. */
export function parseNdjsonLine(text: string, line: number): { line: number; value: unknown } | { line: number; error: string } | undefined {
  if (text.trim() === '') return undefined;
  try {
    return { line, value: JSON.parse(text) };
  } catch (e) {
    return { line, error: `not valid JSON: ${(e as Error).message}` };
  }
}

/** Reads NDJSON line by line, so a file of any size is never held in memory whole. */
export async function* readNdjson(input: Readable): AsyncGenerator<NdjsonLine, void, undefined> {
  let line = 0;
  let bytesRead = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    bytesRead += Buffer.byteLength(text) + 1;
    const parsed = parseNdjsonLine(text.replace(/^\uFEFF/, ''), line);
    if (parsed) yield { ...parsed, bytesRead };
  }
}
