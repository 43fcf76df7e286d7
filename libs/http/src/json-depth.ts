/** How deep a JSON body may nest; a report nests about five levels, a batch one more. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Whether JSON text nests arrays and objects deeper than `max`, found in one pass over the bytes
 * before any parsing, so `[[[[…` is refused at once instead of being built and walked. Strings are
 * skipped (brackets in them do not count); text that is not JSON is left for the parser to refuse.
 * With `lines`, each line is a document of its own (NDJSON), and an unclosed string ends with it.
 */
export function nestsDeeperThan(body: Buffer, max: number, lines = false): boolean {
  let depth = 0;
  let nextNewline = lines ? body.indexOf(NEWLINE) : -1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === QUOTE) {
      const end = closingQuote(body, i + 1);
      if (lines && nextNewline !== -1 && (end === -1 || end > nextNewline)) {
        i = nextNewline;
      } else if (end === -1) {
        return false;
      } else {
        i = end;
        continue;
      }
    }
    if (i === nextNewline) {
      depth = 0;
      nextNewline = body.indexOf(NEWLINE, i + 1);
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The index of the quote that closes a string starting at `from`, or -1. */
function closingQuote(body: Buffer, from: number): number {
  for (let at = body.indexOf(QUOTE, from); at !== -1; at = body.indexOf(QUOTE, at + 1)) {
    let backslashes = 0;
    while (at - 1 - backslashes >= from && body[at - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}
