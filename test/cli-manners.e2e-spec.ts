import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { eventually, freshId, startApi, startContext, testConfig } from '@newsledger/testing';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';

const cli = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('newsledger manners: usage errors, export round trip, tail until idle, completion (compiled CLI, real stack)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let dir: string;

  function run(file: string, args: string[], input?: string): Promise<Run> {
    return new Promise((resolve) => {
      const child = execFile(
        file,
        args,
        { env: { ...process.env, NEWSLEDGER_INGEST_URL: ingest.url, NEWSLEDGER_QUERY_URL: query.url, NEWSLEDGER_KEY: testConfig.adminKey } },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  }
  const newsledger = (...args: string[]) => run(process.execPath, [cli, ...args]);

  const id = freshId('manners');
  const swap = `exchange/${id}`;
  const wire = { name: 'Reuters', kind: 'agency' };
  const reports = [
    { id: `${id}-agreed`, type: 'exchange.agreed', subject: swap, occurredAt: '2025-05-16', source: wire, confirmation: 'confirmed', data: { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } } },
    { id: `${id}-claim`, type: 'exchange.completed', subject: swap, source: { name: 'Truth Social', kind: 'social', speaker: 'Donald Trump' }, confirmation: 'claimed', data: {}, note: 'this could lead to something big???' },
    { id: `${id}-underway`, type: 'exchange.underway', subject: swap, source: { name: 'Ukrainian military sources', kind: 'military' }, confirmation: 'confirmed', data: {} },
    { id: `${id}-withdrawn`, type: 'report.retracted', subject: swap, source: wire, confirmation: 'confirmed', data: { eventId: `${id}-claim`, reason: 'misattributed' } },
  ];

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
    dir = await mkdtemp(path.join(tmpdir(), 'newsledger-manners-'));
    const file = path.join(dir, 'reports.ndjson');
    await writeFile(file, `${reports.slice(0, 3).map((r) => JSON.stringify(r)).join('\n')}\n`);
    expect((await newsledger('ingest', file)).code).toBe(0);
    // The retraction names an event that must be projected first.
    await eventually('the reports projected', async () => ((await newsledger('history', swap, '--json')).code === 0 ? true : undefined));
    await writeFile(file, `${JSON.stringify(reports[3])}\n`);
    expect((await newsledger('ingest', file)).code).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('answers a usage error with one line and a hint, not the whole help', async () => {
    const r = await newsledger('history', swap, '--jsn');
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: unknown option '--jsn'\n(Did you mean --json?)\n(see "newsledger help history" for its options and examples)\n` });
  });

  it('exits 2 on an export of a subject with nothing recorded, writing no file', async () => {
    const out = path.join(dir, 'none.ndjson');
    const r = await newsledger('export', '--subject', `exchange/${freshId('nothing')}`, '-o', out);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/^newsledger: nothing has been recorded about exchange\/nothing-[0-9a-f]+; check the id/)]);
    expect(existsSync(out)).toBe(false);
    const piped = await newsledger('export', '--subject', `exchange/${freshId('nothing')}`);
    expect([piped.code, piped.stdout]).toEqual([2, '']);
  });

  it('ingests its own export again unchanged: every line is the same report, so a duplicate', async () => {
    const exported = path.join(dir, 'swap.ndjson');
    const e = await newsledger('export', '--subject', swap, '-o', exported);
    expect([e.code, e.stderr]).toEqual([0, `4 events written to ${exported}\n`]);
    const lines = (await readFile(exported, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { eventId: string; retracted: boolean });
    expect(lines.map((l) => [l.eventId, l.retracted])).toEqual(reports.map((r) => [r.id, r.id === `${id}-claim`]));

    const again = await newsledger('ingest', exported, '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ reports: 4, accepted: 0, duplicates: 4, rejected: 0, failed: 0, problems: [] });
  });

  it('says "1 line rejected", not "1 lines"', async () => {
    const file = path.join(dir, 'one-bad.ndjson');
    await writeFile(file, `${JSON.stringify(reports[0])}\n{"id": "half\n`);
    const r = await newsledger('ingest', file);
    expect([r.code, r.stderr]).toEqual([1, 'newsledger: 1 line rejected\n']);
    expect(r.stdout).toContain('2 reports read: 0 accepted, 1 duplicate (already recorded), 1 rejected');
  });

  it('tail says when it is connected and stops after --until-idle without a change', async () => {
    const started = Date.now();
    const r = await newsledger('tail', '--subject', swap, '--from', '0', '--until-idle', '1.5', '--json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`newsledger tail: connected to ${query.url}; every change from the start (stops after 1.5 s without a change)\n`);
    const changes = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { field: string; to: string });
    expect(changes.map((c) => `${c.field}:${c.to}`)).toEqual(expect.arrayContaining(['status:agreed', 'status:underway']));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await newsledger('tail', '--until-idle', '0')).code).toBe(2);
  });

  it('prints a completion script that bash reads and that completes commands and options', async () => {
    const script = path.join(dir, 'completion.bash');
    const r = await newsledger('completion', 'bash');
    expect(r.code).toBe(0);
    await writeFile(script, r.stdout);
    expect((await run('bash', ['-n', script])).code).toBe(0);
    const complete = async (...words: string[]) =>
      (await run('bash', ['-c', `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _newsledger; echo "\${COMPREPLY[*]}"`])).stdout.trim();
    expect(await complete('newsledger', 'dead')).toBe('dead-letters');
    expect(await complete('newsledger', 'keys', 'c')).toBe('create');
    expect(await complete('newsledger', 'tail', '--until')).toBe('--until-idle');
    expect((await newsledger('completion', 'zsh')).stdout).toContain('bashcompinit');
  });
});
