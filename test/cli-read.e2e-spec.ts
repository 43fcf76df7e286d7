import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { client, eventually, freshId, startApi, startContext, testConfig } from '@newsledger/testing';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { afterwardStory, articleStory, BIG_SWAP, DECEMBER_2024_SWAP, ISTANBUL } from './fixtures/article.story';
import { rebase, runNames } from './fixtures/story.fixture';

const cli = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('newsledger list, show, explain and history read the story as a person would (compiled CLI, real stack)', () => {
  const suffix = freshId('read').slice(5);
  const names = runNames([...articleStory, ...afterwardStory], suffix);
  const subject = (s: string) => names.get(s)!;
  const swap = subject(BIG_SWAP);
  const december = subject(DECEMBER_2024_SWAP);
  const talks = subject(ISTANBUL);
  const headline = `Ukraine and Russia swap 1,000 prisoners each, desk ${suffix}`;

  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;

  function newsledger(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [cli, ...args],
        { env: { ...process.env, NEWSLEDGER_INGEST_URL: ingest.url, NEWSLEDGER_QUERY_URL: query.url, NEWSLEDGER_KEY: testConfig.adminKey } },
        (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  beforeAll(async () => {
    [ingest, query, projector] = await Promise.all([startApi(IngestApiModule), startApi(QueryApiModule), startContext(ProjectorModule)]);
    const post = client(ingest.url);
    const read = client(query.url);
    const described = { id: `described-${suffix}`, type: 'exchange.described', subject: swap, source: { name: 'Kyiv desk', kind: 'media' }, confirmation: 'confirmed', data: { title: headline } };
    // The retraction names a report that must be projected first.
    for (const batch of [[...rebase(articleStory, names), described], rebase(afterwardStory, names)]) {
      for (const report of batch) expect((await post('POST', '/v1/reports', report)).status).toBe(202);
      const last = batch[batch.length - 1];
      await eventually(`${last.id} projected`, async () => {
        const h = await read('GET', `/v1/${last.subject.startsWith('exchange/') ? 'exchanges' : 'negotiations'}/${last.subject.split('/')[1]}/history`);
        return h.status === 200 && h.body.events.some((e: { eventId: string }) => e.eventId === last.id) ? true : undefined;
      });
    }
    await eventually('the retraction projected', async () => {
      const v = await read('GET', `/v1/exchanges/${swap.split('/')[1]}`);
      return v.body.reportedStatus === 'underway' && v.body.eventCount === 8 ? true : undefined;
    });
  });
  afterAll(async () => {
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  it('finds a story by part of its headline and shows each kind as a table with the status in words', async () => {
    const r = await newsledger('list', '--q', `desk ${suffix}`);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('1 exchange, most recently updated first');
    expect(lines[1]).toMatch(/^SUBJECT +STATUS +RELEASED +UPDATED +TITLE$/);
    expect(lines[2]).toMatch(new RegExp(`^${swap} +Under way, confirmed by both parties +RU 390, UA 390 +\\S+ +${headline}$`));
    expect(lines[4]).toBe('no negotiations match');
    const talksList = await newsledger('list', 'negotiations', '--q', suffix, '--json');
    expect(JSON.parse(talksList.stdout).negotiations.items.map((v: { subject: string }) => v.subject)).toEqual([talks]);
  });

  it('filters by status, party and dispute, and pages with the command it prints', async () => {
    const disputed = JSON.parse((await newsledger('list', '--disputed', '--q', suffix, '--json')).stdout);
    expect(Object.keys(disputed)).toEqual(['exchanges']);
    expect(disputed.exchanges.items.map((v: { subject: string }) => v.subject)).toEqual([december]);

    // Of the story's five exchanges, two rest on both sides' official statements.
    const first = await newsledger('list', 'exchanges', '--status', 'completed,underway', '--party', 'ua', '--level', 'all-parties', '--q', suffix, '--limit', '1');
    expect(first.code).toBe(0);
    const more = /^more: (newsledger list exchanges .* --cursor \S+)$/m.exec(first.stdout);
    expect(more?.[1]).toContain('--status completed,underway --party UA --level all-parties');
    const args = more![1].split(' ').slice(1);
    const second = await newsledger(...args);
    const subjects = [first, second].map((r) => /^(exchange\/\S+)/m.exec(r.stdout)?.[1]);
    expect(subjects.sort()).toEqual([december, swap].sort());
    expect(second.stdout).not.toContain('more:');

    const wrong = await newsledger('list', '--status', 'agreed,active');
    expect([wrong.code, wrong.stdout, wrong.stderr.split('\n').length]).toEqual([2, '', 2]);
    const badStatus = await newsledger('list', '--status', 'done');
    expect([badStatus.code, badStatus.stderr]).toEqual([2, expect.stringContaining('"done" is not a status')]);
  });

  it('shows phases, the ladder and disputes in words', async () => {
    const shown = await newsledger('show', swap);
    expect(shown.stdout).toMatch(/^status +Under way, confirmed by both parties$/m);
    expect(shown.stdout).toMatch(/^phases\n +1 +RU 390, UA 390 +2025-05-23 +confirmed by Coordination Headquarters for the Treatment of POWs$/m);
    expect(shown.stdout).toContain('  Agreed, confirmed by both parties');
    const dispute = await newsledger('show', december);
    expect(dispute.stdout).toContain('  Released by Russia: Ukraine said 189; Russia said 150, shown: 150');
  });

  it('explains the swap: each fact as a sentence with the reports behind it, or as the API answers it', async () => {
    const json = await newsledger('explain', swap, '--json');
    const explanation = JSON.parse(json.stdout) as { facts: { field: string; sentence: string; evidence: { eventId: string; role: string }[] }[] };
    expect(explanation).toEqual((await client(query.url)('GET', `/v1/exchanges/${swap.split('/')[1]}/explain`)).body);
    const status = explanation.facts.find((f) => f.field === 'status')!;
    const text = await newsledger('explain', swap);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`status  ${status.sentence}`);
    expect(text.stdout).toMatch(/^ {2}retracted +exchange\.completed +claimed +Truth Social \(Donald Trump\), social$/m);
    for (const e of status.evidence) expect(text.stdout).toContain(e.eventId);
    const then = await newsledger('explain', swap, '--as-of', '2000-01-01T00:00:00Z');
    expect([then.code, then.stderr]).toEqual([2, expect.stringContaining('not_found')]);
  });

  it('prints the history with figures, speakers and the reason of a retraction, paging as asked', async () => {
    const all = await newsledger('history', swap);
    expect(all.stdout.split('\n')[0]).toBe(`${swap}: 8 events`);
    // As stored: PostgreSQL keeps a report's objects with their keys sorted.
    expect(all.stdout).toContain('    phase 1: RU 390, UA 390; date 2025-05-23');
    expect(all.stdout).toContain('Truth Social (social, speaker Donald Trump)');
    expect(all.stdout).toContain(
      `    retracted by ${names.get('after-trump-retracted')} (Wire report, 23 May 2025): “Only the first 390-for-390 phase had taken place; neither side said the swap was complete.”`,
    );

    const page = await newsledger('history', swap, '--limit', '5');
    expect(page.stdout.split('\n')[0]).toBe(`${swap}: 5 events`);
    const next = /^more: newsledger history \S+ --limit 5 --cursor (\S+)$/m.exec(page.stdout);
    const rest = JSON.parse((await newsledger('history', swap, '--limit', '5', '--cursor', next![1], '--json')).stdout);
    expect([rest.events.length, rest.nextCursor]).toEqual([3, null]);
    const whole = JSON.parse((await newsledger('history', swap, '--json')).stdout);
    expect(whole.events.map((e: { eventId: string }) => e.eventId).slice(5)).toEqual(rest.events.map((e: { eventId: string }) => e.eventId));
    expect((await newsledger('history', swap, '--cursor', next![1])).code).toBe(2);
  });
});
