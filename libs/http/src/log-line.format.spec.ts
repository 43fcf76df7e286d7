import { appNameOf, formatLogLine, localTime, readableLogStream } from './log-line.format';

const at = new Date(2025, 4, 23, 9, 5, 7, 42).getTime();

describe('readable log lines', () => {
  it('puts local time, level word, app and message first', () => {
    expect(formatLogLine({ level: 30, time: at, pid: 1, hostname: 'h', app: 'projector', context: 'relay', msg: 'relaying the outbox' }, { colour: false })).toBe(
      '09:05:07.042 INFO  projector relay: relaying the outbox\n',
    );
  });

  it('writes a request as method, path, status, ms, key name, error code and request id', () => {
    const line = formatLogLine(
      { level: 30, time: at, app: 'query-api', msg: 'request', reqId: 'abc-1', method: 'GET', path: '/v1/exchanges/nope', status: 404, ms: 12, key: 'kyiv-desk', error: 'not_found' },
      { colour: false },
    );
    expect(line).toBe('09:05:07.042 INFO  query-api GET /v1/exchanges/nope 404 12ms key=kyiv-desk error=not_found req=abc-1\n');
  });

  it('shows other fields as name=value and an error with its stack on indented lines', () => {
    const line = formatLogLine({ level: 50, time: at, msg: 'unexpected error', errorId: 'e-1', err: { message: 'boom', stack: 'Error: boom\n    at x' } }, { colour: false });
    expect(line).toBe('09:05:07.042 ERROR unexpected error errorId=e-1\n    Error: boom\n        at x\n');
  });

  it('colours the level word only when asked', () => {
    expect(formatLogLine({ level: 40, time: at, msg: 'w' }, { colour: true })).toContain('\x1b[33mWARN \x1b[0m');
    expect(formatLogLine({ level: 40, time: at, msg: 'w' }, { colour: false })).not.toContain('\x1b[');
  });

  it('passes on what is not a JSON record', () => {
    const out: string[] = [];
    const stream = readableLogStream({ write: (s) => out.push(s) }, { colour: false });
    stream.write('plain text\n');
    stream.write(`${JSON.stringify({ level: 20, time: at, msg: 'hi' })}\n`);
    expect(out).toEqual(['plain text\n', '09:05:07.042 DEBUG hi\n']);
  });

  it('names the app from its entry script', () => {
    expect(appNameOf('/srv/newsledger/dist/apps/query-api/src/main.js')).toBe('query-api');
    expect(appNameOf('/srv/newsledger/node_modules/.bin/jest')).toBeUndefined();
    expect(localTime(at)).toBe('09:05:07.042');
  });
});
