import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { eventually, freshId, startApi, startContext, testConfig } from '@newsledger/testing';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

describe('newsledger ingest, show and history (compiled CLI, real stack)', () => {
  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let dir: string;

  /** Runs the compiled CLI as a user would, output piped (so no colour, no progress bar). */
  function run(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [cli, ...args],
        { env: { ...process.env, NEWSLEDGER_INGEST_URL: ingest.url, NEWSLEDGER_QUERY_URL: query.url, NEWSLEDGER_KEY: testConfig.adminKey, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
    dir = await mkdtemp(path.join(tmpdir(), 'newsledger-cli-'));
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const id = freshId('cli');
  const swap = `exchange/${id}`;
  const wire = { name: 'Reuters', kind: 'agency' };
  const good = [
    { id: `${id}-agreed`, type: 'exchange.agreed', subject: swap, occurredAt: '2025-05-16', source: wire, confirmation: 'confirmed', data: { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } } },
    { id: `${id}-claim`, type: 'exchange.completed', subject: swap, source: { name: 'Truth Social', kind: 'social', speaker: 'Donald Trump' }, confirmation: 'claimed', data: {} },
    { id: `${id}-underway`, type: 'exchange.underway', subject: swap, source: { name: 'Ukrainian military sources', kind: 'military' }, confirmation: 'confirmed', data: {} },
  ];
  const lines = [
    JSON.stringify(good[0]),
    '{"id": "oops", "type": ',
    JSON.stringify(good[1]),
    '',
    JSON.stringify({ ...good[0], id: `${id}-typo`, type: 'exchange.agred' }),
    JSON.stringify({ ...good[0], id: `${id}-no-parties`, data: {} }),
    JSON.stringify(good[2]),
  ];

  it('ingests a file in chunks, lists each bad line with its number and reason, and exits 1', async () => {
    const file = path.join(dir, 'reports.ndjson');
    await writeFile(file, `${lines.join('\n')}\n`);
    const first = await run(['ingest', file, '--chunk-size', '2']);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`${file}: 6 reports read: 3 accepted, 0 duplicates (already recorded), 3 rejected`);
    expect(first.stdout).toMatch(/^line 2: invalid_json: not valid JSON: /m);
    expect(first.stdout).toMatch(/^line 5: invalid_report: .*\n {2}type: /m);
    expect(first.stdout).toMatch(/^line 6: invalid_report: .*\n {2}data\.parties: /m);
    expect(first.stdout).not.toMatch(/\u001b\[/);

    // Running it again records nothing twice: the lines carry their ids.
    const again = await run(['ingest', file, '--json']);
    expect(again.code).toBe(1);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ reports: 6, accepted: 0, duplicates: 3, rejected: 3, failed: 0 });
    expect(summary.problems.map((p: { line: number; error: string }) => [p.line, p.error])).toEqual([[2, 'invalid_json'], [5, 'invalid_report'], [6, 'invalid_report']]);

    const clean = path.join(dir, 'clean.ndjson');
    await writeFile(clean, good.map((r) => JSON.stringify(r)).join('\n'));
    const ok = await run(['ingest', clean]);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining('3 reports read: 0 accepted, 3 duplicates')]);
  });

  it('shows the view, now and as it stood, as text or JSON', async () => {
    const view = await eventually('the swap projected', async () => {
      const r = await run(['show', swap, '--json']);
      const v = r.code === 0 ? JSON.parse(r.stdout) : undefined;
      return v?.eventCount === 3 ? v : undefined;
    });
    expect(view).toMatchObject({ subject: swap, status: 'underway', reportedStatus: 'completed', parties: ['RU', 'UA'] });

    const text = await run(['show', swap]);
    expect(text.code).toBe(0);
    // Never "confirmed by" a source that is no official statement, nor by one that only claimed it.
    expect(text.stdout).toMatch(/^status\s+Under way, reported by two sources \(Truth Social and Ukrainian military sources\)$/m);
    expect(text.stdout).toMatch(/^reported\s+Completed, claimed by one named source \(Truth Social\)$/m);
    expect(text.stdout).toMatch(/completed\s+claimed\s+Truth Social \(Donald Trump\), social/);
    expect(text.stdout).toContain('3 events, last recorded');

    const history = JSON.parse((await run(['history', swap, '--json'])).stdout) as { events: { eventId: string; recordedAt: string }[] };
    const asOf = history.events[1].recordedAt;
    const then = await run(['show', swap, '--as-of', asOf, '--json']);
    expect(JSON.parse(then.stdout)).toMatchObject({ status: 'agreed', reportedStatus: 'completed', eventCount: 2, asOf });
    const valid = await run(['show', swap, '--valid-at', '2025-05-16']);
    expect(valid.stdout).toMatch(/^status\s+Agreed, reported by /m);
    expect(valid.stdout).toContain('valid at 2025-05-16');
  });

  it('lists the history in log order', async () => {
    const r = await run(['history', swap]);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toBe(`${swap}: 3 events`);
    expect(rows.filter((l) => /^\d+:\d+ /.test(l)).map((l) => l.split(/\s+/).pop())).toEqual(good.map((g) => g.id));
    expect(r.stdout).toContain('exchange.completed');
    expect(r.stdout).toContain('    occurred 2025-05-16');
  });

  it('shows the headline and its summary under the subject once a description is recorded, and not as the swap stood before', async () => {
    const before = (JSON.parse((await run(['history', swap, '--json'])).stdout) as { events: { recordedAt: string }[] }).events[2]!.recordedAt;
    const file = path.join(dir, 'described.ndjson');
    const described = { id: `${id}-described`, type: 'exchange.described', subject: swap, source: wire, confirmation: 'confirmed', data: { title: 'A swap of 1,000 each', summary: 'Agreed in Istanbul.' } };
    await writeFile(file, `${JSON.stringify(described)}\n`);
    expect((await run(['ingest', file])).code).toBe(0);
    await eventually('the description projected', async () => {
      const r = await run(['show', swap, '--json']);
      return r.code === 0 && JSON.parse(r.stdout).title === 'A swap of 1,000 each' ? true : undefined;
    });
    const text = (await run(['show', swap])).stdout.split('\n');
    expect(text.slice(1, 4)).toEqual(['A swap of 1,000 each', 'Agreed in Istanbul.', expect.stringMatching(/^status\s+Under way/)]);
    const then = (await run(['show', swap, '--as-of', before])).stdout.split('\n');
    expect(then[1]).toMatch(/^status\s+Under way/);
  });

  it('exits 2, saying why, when it cannot do what was asked', async () => {
    const unknown = await run(['show', `exchange/${freshId('none')}`]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('not_found: nothing has been recorded about')]);
    const usage = await run(['show', 'treaty/x']);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining('a subject such as')]);
    const missing = await run(['ingest', path.join(dir, 'missing.ndjson')]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('no such file')]);
    const down = await run(['history', swap, '--url', 'http://127.0.0.1:9'], {});
    expect([down.code, down.stderr]).toEqual([2, expect.stringContaining('unreachable')]);
    const badKey = await run(['ingest', path.join(dir, 'clean.ndjson'), '--key', 'not-a-key']);
    expect([badKey.code, badKey.stdout]).toEqual([2, expect.stringContaining('stopped')]);
    const badUrl = await run(['tail', '--url', 'localhost:3001']);
    expect([badUrl.code, badUrl.stderr]).toEqual([2, expect.stringContaining('such as http://127.0.0.1:3001')]);
    const badOut = await run(['export', '--subject', swap, '--out', path.join(dir, 'no', 'such', 'dir', 'x.ndjson')]);
    expect([badOut.code, badOut.stderr]).toEqual([2, expect.stringContaining('its directory does not exist')]);
    expect(badOut.stderr).not.toMatch(/\n\s+at /);
    const help = await run(['--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringMatching(/Exit codes:[\s\S]*Examples:/)]);
  }, 120_000);
});
