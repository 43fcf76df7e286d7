import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../cli-run.fixture';
import { registerReplayCommand } from '../replay/replay.command';
import { registerExportCommand } from './export.command';

describe('newsledger export and replay: a bad --out', () => {
  let dir: string;
  let databaseUrl: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'newsledger-export-'));
    // Nothing listens there: a command that got as far as the database would fail on it instead.
    databaseUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:9/newsledger_test_unreachable';
  });
  afterEach(async () => {
    if (databaseUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = databaseUrl;
    await rm(dir, { recursive: true, force: true });
  });

  it('export: says the directory is missing and exits 2, before reading anything, creating nothing', async () => {
    const out = path.join(dir, 'no', 'dir', 'x.ndjson');
    const run = await runCli(registerExportCommand, ['export', '--subject', 'exchange/ua-ru-2025-05-1000', '--out', out]);
    expect(run).toEqual({ exitCode: 2, stderr: `newsledger: cannot write ${out}: its directory does not exist; create it first or choose another path; nothing was written\n` });
    expect(await readdir(dir)).toEqual([]);
  });

  it('export: leaves no file, and an earlier one intact, when the export fails', async () => {
    const out = path.join(dir, 'x.ndjson');
    expect(await runCli(registerExportCommand, ['export', '--subject', 'exchange/ua-ru-2025-05-1000', '--out', out])).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('PostgreSQL unreachable'),
    });
    expect(await readdir(dir)).toEqual([]);
    await writeFile(out, 'the last export\n');
    await runCli(registerExportCommand, ['export', '--subject', 'exchange/ua-ru-2025-05-1000', '--out', out]);
    expect(await readFile(out, 'utf8')).toBe('the last export\n');
    expect(await readdir(dir)).toEqual(['x.ndjson']);
  });

  it('replay: says so before replaying the log, exits 2, creating nothing', async () => {
    const run = await runCli(registerReplayCommand, ['replay', '--out', dir]);
    expect(run).toEqual({ exitCode: 2, stderr: `newsledger: cannot write ${dir}: it is a directory; name a file in it; nothing was written\n` });
    expect(await readdir(dir)).toEqual([]);
  });
});
