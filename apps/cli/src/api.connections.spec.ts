import { NewsledgerClient } from '@newsledger/client';
import { registerCommands } from './cli.commands';
import { runCli } from './cli-run.fixture';

describe('API URLs: checked before anything is sent', () => {
  const key = ['--key', 'nlk_0123456789abcdef_secret'];
  let followed: jest.SpyInstance;
  let asked: jest.SpyInstance[];

  beforeEach(() => {
    // Were a bad URL let through, tail would follow it forever: here it finds an empty feed and exits 0.
    followed = jest.spyOn(NewsledgerClient.prototype, 'followStatusChanges').mockImplementation(async function* () {});
    asked = (['view', 'history', 'recordBatch'] as const).map((m) => jest.spyOn(NewsledgerClient.prototype, m).mockRejectedValue(new Error(`${m} called`)));
  });
  afterEach(() => jest.restoreAllMocks());

  it('refuses a --url without http(s):// (exit 2), with an example, and never connects', async () => {
    const run = await runCli(registerCommands, ['tail', '--url', 'localhost:3001', ...key]);
    expect(run).toEqual({ exitCode: 2, stderr: expect.stringContaining("option '--url <url>' argument 'localhost:3001' is invalid. an http or https URL with a host, such as http://127.0.0.1:3001") });
    expect(followed).not.toHaveBeenCalled();
  });

  it.each([
    [['show', 'exchange/ua-ru-2025-05-1000'], 'ftp://127.0.0.1:3001', 'http://127.0.0.1:3001'],
    [['history', 'exchange/ua-ru-2025-05-1000'], '127.0.0.1:3001', 'http://127.0.0.1:3001'],
    [['ingest', 'reports.ndjson'], 'http://', 'http://127.0.0.1:3000'],
  ])('checks --url the same way for %j', async (args, url, example) => {
    const run = await runCli(registerCommands, [...args, '--url', url, ...key]);
    expect(run).toEqual({ exitCode: 2, stderr: expect.stringContaining(`argument '${url}' is invalid. an http or https URL with a host, such as ${example}`) });
    for (const spy of asked) expect(spy).not.toHaveBeenCalled();
  });

  it('refuses a NEWSLEDGER_QUERY_URL without http(s):// the same way (exit 2, naming the variable)', async () => {
    const saved = process.env.NEWSLEDGER_QUERY_URL;
    process.env.NEWSLEDGER_QUERY_URL = 'localhost:3001';
    try {
      const run = await runCli(registerCommands, ['tail', ...key]);
      expect(run).toEqual({ exitCode: 2, stderr: expect.stringContaining('NEWSLEDGER_QUERY_URL: must be an http or https URL with a host, such as http://127.0.0.1:3001') });
      expect(followed).not.toHaveBeenCalled();
    } finally {
      if (saved === undefined) delete process.env.NEWSLEDGER_QUERY_URL;
      else process.env.NEWSLEDGER_QUERY_URL = saved;
    }
  });

  it('refuses a tail --subject that is not a subject before connecting', async () => {
    const run = await runCli(registerCommands, ['tail', '--subject', 'treaty/x', ...key]);
    expect(run).toEqual({ exitCode: 2, stderr: expect.stringContaining('a subject such as exchange/ua-ru-2025-05-1000') });
    expect(followed).not.toHaveBeenCalled();
  });

  it('still takes an http(s) URL', async () => {
    expect(await runCli(registerCommands, ['tail', '--url', 'https://news.example/api/', ...key])).toEqual({ exitCode: 0, stderr: '' });
    expect(followed).toHaveBeenCalledTimes(1);
  });
});
