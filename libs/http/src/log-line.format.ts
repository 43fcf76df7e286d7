/** pino's level numbers as the words a person reads. */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const LEVEL_COLOURS: Record<number, number> = { 10: 90, 20: 90, 30: 32, 40: 33, 50: 31, 60: 35 };

/** Fields a line shows in its own place, or never (pino's bookkeeping). */
const PLACED = new Set(['level', 'time', 'pid', 'hostname', 'app', 'context', 'msg', 'err', 'method', 'path', 'status', 'ms', 'key', 'error', 'reqId', 'v']);

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time with milliseconds, as a person at the terminal reads their clock. */
export function localTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/**
 * One pino record (parsed JSON) as one readable line: local time, level word, app, message, then
 * for a request its method, path, status, duration, key name, error code and request id, and any
 * other field as `name=value`. An error's stack follows on indented lines.
 */
export function formatLogLine(record: Record<string, unknown>, opts: { colour: boolean }): string {
  const paint = (code: number, text: string) => (opts.colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const level = typeof record.level === 'number' ? record.level : 30;
  const word = (LEVELS[level] ?? String(level)).padEnd(5);
  const parts = [paint(2, localTime(typeof record.time === 'number' ? record.time : Date.now())), paint(LEVEL_COLOURS[level] ?? 0, word)];
  if (typeof record.app === 'string') parts.push(record.app);
  if (typeof record.context === 'string') parts.push(paint(2, `${record.context}:`));
  if (typeof record.method === 'string') {
    parts.push(`${record.method} ${String(record.path)} ${String(record.status)} ${String(record.ms)}ms`);
    if (record.key !== undefined) parts.push(`key=${value(record.key)}`);
    if (record.error !== undefined) parts.push(paint(level >= 50 ? 31 : 33, `error=${value(record.error)}`));
  } else if (record.msg !== undefined) {
    parts.push(String(record.msg));
  }
  for (const [k, v] of Object.entries(record)) if (!PLACED.has(k) && v !== undefined) parts.push(paint(2, `${k}=${value(v)}`));
  if (record.reqId !== undefined) parts.push(paint(2, `req=${value(record.reqId)}`));
  let line = parts.join(' ');
  const err = record.err as { message?: unknown; stack?: unknown } | string | undefined;
  if (typeof err === 'string') line += ` ${paint(31, err)}`;
  else if (err && typeof err === 'object') {
    line += typeof err.stack === 'string' ? `\n    ${err.stack.split('\n').join('\n    ')}` : ` ${paint(31, String(err.message))}`;
  }
  return `${line}\n`;
}

/**
 * A pino destination writing each record as {@link formatLogLine}; a line that is not a JSON
 * record is passed on as it came.
 */
export function readableLogStream(out: { write(s: string): unknown }, opts: { colour: boolean }): { write(s: string): void } {
  return {
    write(s: string) {
      let record: unknown;
      try {
        record = JSON.parse(s);
      } catch {
        out.write(s);
        return;
      }
      out.write(record && typeof record === 'object' ? formatLogLine(record as Record<string, unknown>, opts) : s);
    },
  };
}

/** The app a process runs, from its entry script (`…/apps/<app>/src/main.js`); undefined in tests and scripts. */
export function appNameOf(entryScript: string | undefined): string | undefined {
  return entryScript?.match(/[\\/]apps[\\/]([a-z0-9-]+)[\\/]src[\\/]main\.[jt]s$/)?.[1];
}
