import { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { ReportInput } from '@newsledger/domain';
import { createKafka } from '@newsledger/event-log';
import { client, eventually, freshId, startApi, startContext, testConfig } from '@newsledger/testing';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { IngestApiModule } from '../apps/ingest-api/src/ingest-api.module';
import { ProjectorModule } from '../apps/projector/src/projector.module';
import { QueryApiModule } from '../apps/query-api/src/query-api.module';
import { afterwardStory, articleStory, BIG_SWAP, DECEMBER_2024_SWAP, ISTANBUL } from './fixtures/article.story';
import { rebase, runNames } from './fixtures/story.fixture';

const CHROMIUM = '/usr/bin/chromium';
/** Screenshots for a person to look at; git-ignored. */
const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts', 'timeline');

const coordinationHq = { name: 'Coordination Headquarters for the Treatment of Prisoners of War', kind: 'government' } as const;
const broadcaster = { name: 'Regional broadcaster', kind: 'media' } as const;

/**
 * Beyond the article, so the page has numbers to show and a retraction to strike through: the
 * first phase of the big swap, and a report of two days that its broadcaster corrected.
 */
const extras: ReportInput[] = [
  {
    id: 'timeline-phase-1',
    type: 'exchange.phase.completed',
    subject: BIG_SWAP,
    occurredAt: '2025-05-23',
    source: coordinationHq,
    confirmation: 'confirmed',
    data: { phase: 1, releasedBy: { UA: 390, RU: 390 }, date: '2025-05-23' },
  },
  {
    id: 'timeline-two-days',
    type: 'exchange.details.reported',
    subject: BIG_SWAP,
    occurredAt: '2025-05-23',
    source: broadcaster,
    confirmation: 'reported',
    data: { expectedDays: 2 },
  },
  {
    id: 'timeline-two-days-retracted',
    type: 'report.retracted',
    subject: BIG_SWAP,
    source: broadcaster,
    confirmation: 'confirmed',
    data: { eventId: 'timeline-two-days', reason: 'The broadcaster corrected its report: three days, not two' },
  },
];

/** The swap completes while the page is open. */
const completion: ReportInput = {
  id: 'timeline-swap-completed',
  type: 'exchange.completed',
  subject: BIG_SWAP,
  occurredAt: '2025-05-25',
  source: coordinationHq,
  confirmation: 'confirmed',
  data: { releasedBy: { UA: 1000, RU: 1000 } },
};

/**
 * A story to find: the swap of 30 December 2024, whose figure the two sides gave differently
 * (a dispute), under a headline.
 */
const december: ReportInput[] = [
  ...afterwardStory.filter((r) => r.subject === DECEMBER_2024_SWAP),
  {
    id: 'timeline-december-headline',
    type: 'exchange.described',
    subject: DECEMBER_2024_SWAP,
    occurredAt: '2024-12-30',
    source: { name: 'Reuters', kind: 'agency' },
    confirmation: 'confirmed',
    data: { title: "Ukraine and Russia swap prisoners on New Year's Eve", summary: 'Both sides gave the number of Ukrainians released differently.' },
  },
];

/** What the tests read from the page's globals (the tests' TypeScript has no DOM library). */
interface PageGlobals {
  sessionStorage: { getItem(key: string): string | null };
  document: { activeElement: { className: string; id: string } | null; documentElement: { scrollWidth: number } };
  scrollTo(x: number, y: number): void;
  getComputedStyle(element: unknown): { textDecorationLine: string };
  PerformanceObserver: new (callback: (list: { getEntries(): Array<{ value: number; hadRecentInput: boolean }> }) => void) => { observe(options: { type: string }): void };
  scrollY: number;
  sameDocument?: boolean;
  shifts: number;
}

/**
 * Polls a locator's text, as a reader sees it (blocks apart, spaces folded), until it matches; an
 * SVG element's text content, which has no rendered text.
 */
async function textMatches(locator: Locator, expected: RegExp, what: string): Promise<string> {
  return eventually(what, async () => {
    const first = locator.first();
    const svg = await first.evaluate((n) => (n as unknown as { namespaceURI: string }).namespaceURI === 'http://www.w3.org/2000/svg', undefined, { timeout: 1000 });
    const text = (svg ? (await first.textContent({ timeout: 1000 })) ?? '' : await first.innerText({ timeout: 1000 })).replace(/\s+/g, ' ').trim();
    if (!expected.test(text)) throw new Error(`"${text}" does not match ${expected}`);
    return text;
  }, 20_000);
}

describe('the live timeline page, in headless Chromium (real Kafka and PostgreSQL)', () => {
  const suffix = freshId('run').slice(4);
  const names = runNames([...articleStory, ...extras, completion, ...december], suffix);
  const [story, added, completed, decemberStory] = [rebase(articleStory, names), rebase(extras, names), rebase(completion, names), rebase(december, names)];
  const decemberSwap = names.get(DECEMBER_2024_SWAP)!;
  const swap = names.get(BIG_SWAP)!;
  const istanbul = names.get(ISTANBUL)!;
  const id = (name: string) => names.get(name)!;

  let ingest: { app: INestApplication; url: string };
  let query: { app: INestApplication; url: string };
  let projector: INestApplicationContext;
  let browser: Browser;
  let page: Page;
  let readerKey: string;
  const problems: string[] = [];

  const post = (report: ReportInput) => client(ingest.url)('POST', '/v1/reports', report);
  const projected = (subject: string, eventCount: number) =>
    eventually(`${subject} with ${eventCount} events`, async () => {
      const [kind, sid] = subject.split('/');
      const r = await client(query.url)('GET', `/v1/${kind}s/${sid}`);
      return r.status === 200 && r.body.eventCount === eventCount ? r.body : undefined;
    });
  const shot = (name: string, fullPage = true) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage });
  const item = (subject: string) => page.locator(`li.subject[data-subject="${subject}"]`);
  const entry = (eventId: string) => page.locator(`#timeline li[data-event-id="${eventId}"]`);
  /** The timeline's reports as listed, by their ids. */
  const timelineOrder = () => page.locator('#timeline > li').evaluateAll((nodes) => (nodes as unknown as Array<{ dataset: { eventId: string } }>).map((n) => n.dataset.eventId));
  /** Console errors of a page, but for the refusals the tests provoke on purpose. */
  const watch = (p: Page) => {
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error' && !/status of (401|403|400)/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: npm test installs it (scripts/ensure-browser.js), or apt-get install chromium`);
    mkdirSync(ARTIFACTS, { recursive: true });
    // The query API hands a resubmitted dead letter to this ingest API (NEWSLEDGER_INGEST_URL).
    ingest = await startApi(IngestApiModule);
    process.env.NEWSLEDGER_INGEST_URL = ingest.url;
    [query, projector] = await Promise.all([startApi(QueryApiModule), startContext(ProjectorModule)]);
    const created = await client(query.url)('POST', '/v1/admin/keys', { name: freshId('page-reader'), scopes: ['read'] });
    readerKey = created.body.key;

    for (const report of story) expect((await post(report)).status).toBe(202);
    const swapReports = story.filter((r) => r.subject === swap).length;
    await projected(swap, swapReports);
    // A retraction may only name a report already projected.
    for (const report of added) {
      expect((await post(report)).status).toBe(202);
      await projected(swap, swapReports + added.indexOf(report) + 1);
    }
    await projected(istanbul, story.filter((r) => r.subject === istanbul).length);
    for (const report of decemberStory) expect((await post(report)).status).toBe(202);
    await projected(decemberSwap, decemberStory.length);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watch(page);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([ingest?.app.close(), query?.app.close(), projector?.close()]);
  });

  it('serves the page shell without a key, under a Content-Security-Policy that allows only its own files', async () => {
    const res = await fetch(`${query.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await res.text();
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|style="/i);
    const js = await fetch(`${query.url}/assets/timeline.js`);
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await fetch(`${query.url}/assets/timeline.js`, { headers: { 'if-none-match': js.headers.get('etag')! } })).status).toBe(304);
    // The page is an ES module that imports its wording, under the same policy.
    expect(html).toContain('<script type="module" src="/assets/timeline.js"></script>');
    const wording = await fetch(`${query.url}/assets/wording.js`);
    expect([wording.status, wording.headers.get('content-type'), wording.headers.get('content-security-policy')]).toEqual([200, 'text/javascript; charset=utf-8', csp]);
    expect((await fetch(`${query.url}/assets/..%2Fassets%2Ftimeline.page.ts`)).status).toBe(404);
    // The data stays behind the key: the page's own calls without one are refused.
    expect((await fetch(`${query.url}/v1/exchanges`)).status).toBe(401);
  });

  it('opens a shared link in a fresh tab: it asks for a read key naming the story, a refused key never reads as connected, a date as-of is that day\'s end', async () => {
    const history = await client(query.url, readerKey)('GET', `/v1/exchanges/${swap.split('/')[1]}/history`);
    const day = (history.body.events[history.body.events.length - 1].recordedAt as string).slice(0, 10);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    watch(tab);
    try {
      await tab.goto(`${query.url}/#${swap}@${day}`);
      await textMatches(tab.locator('#key-prompt'), new RegExp(`^Paste a read key to open ${swap.split('/')[1]}\\.$`), 'the prompt naming the story');
      await tab.screenshot({ path: path.join(ARTIFACTS, '00-shared-link.png') });
      await tab.fill('#key', 'not-a-key-of-this-server');
      await tab.press('#key', 'Enter');
      await textMatches(tab.locator('#notice'), /key was refused/i, 'the refusal');
      await textMatches(tab.locator('#live'), /^Not connected$/, 'not connected');
      // Nothing in the field says connected: no value, no placeholder; the prompt still names the story.
      expect([await tab.inputValue('#key'), await tab.getAttribute('#key', 'placeholder')]).toEqual(['', '']);
      await textMatches(tab.locator('#key-prompt'), new RegExp(`^Paste a read key to open ${swap.split('/')[1]}\\.$`), 'the prompt again');
      await tab.screenshot({ path: path.join(ARTIFACTS, '00a-refused-key.png') });

      await tab.fill('#key', readerKey);
      await tab.press('#key', 'Enter');
      await textMatches(tab.locator('#live'), /^Live$/, 'the live feed to connect');
      // Connected once the lists are read with the key.
      await eventually('the field to say connected', async () => ((await tab.getAttribute('#key', 'placeholder')) === 'connected' ? true : undefined), 5000);
      expect(await tab.locator('#key-prompt').isVisible()).toBe(false);
      // The date of the link is the end of that day, UTC, as the API read it and said: every report so far counts.
      await textMatches(tab.locator('#asof-out'), new RegExp(`^7 of 7 reports, as of ${day} 23:59:59\\.999 UTC, the end of ${day}$`), 'the day\'s end');
      expect(await tab.getAttribute('#asof-out', 'title')).toBe(`asOf ${day} is a date: read as the end of that day, ${day}T23:59:59.999Z (UTC)`);
      expect(await tab.inputValue('#asof-at')).toBe(day);
      // Said whole, not cut off by its box.
      expect(await tab.locator('#asof-out').evaluate((n) => {
        const box = n as unknown as { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number };
        return box.scrollWidth <= box.clientWidth && box.scrollHeight <= box.clientHeight;
      })).toBe(true);
      await textMatches(tab.locator('#detail-badges [data-field="status"]'), /^Confirmed Under way, reported by three sources \(/, 'the story as of that day');
      await tab.screenshot({ path: path.join(ARTIFACTS, '00b-shared-link-opened.png') });
    } finally {
      await context.close();
    }
  });

  it('asks for a key, refuses a bad one, and lists the stories with confirmed and only-reported badges apart', async () => {
    await page.goto(`${query.url}/`);
    await textMatches(page.locator('#live'), /Not connected/, 'the page to start disconnected');
    await page.fill('#key', 'not-a-key-of-this-server');
    await page.press('#key', 'Enter');
    await textMatches(page.locator('#notice'), /key was refused/i, 'the refusal');

    await page.fill('#key', readerKey);
    await page.press('#key', 'Enter');
    await textMatches(page.locator('#live'), /^Live$/, 'the live feed to connect');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('newsledger.key'))).toBe(readerKey);
    expect(await page.locator('#notice').textContent()).toBe('');

    await textMatches(item(swap).locator('[data-field="status"]'), /^Confirmed Under way, reported by three sources \(Truth Social, Ukrainian military sources and Coordination Headquarters for the Treatment of Prisoners of War\)$/, 'the confirmed status of the swap');
    await textMatches(item(swap).locator('[data-field="reportedStatus"]'), /^Only reported Completed, claimed by one named source \(Truth Social\)$/, 'the reported status of the swap');
    await textMatches(item(swap).locator('.subject-meta'), /780 of 2,000 released/, 'the swap progress in the list');
    await textMatches(item(istanbul).locator('[data-field="status"]'), /^Status Active$/, 'the status of the talks');
    const april = item(id('exchange/ua-ru-2025-04-uae-492'));
    await textMatches(april.locator('[data-field="status"]'), /^Confirmed Completed, (confirmed|reported) by /, 'the April swap');
    expect(await april.locator('[data-field="reportedStatus"]').count()).toBe(0);
  });

  it('opens a story from the keyboard: badges, released vs agreed, phases, claims, and a timeline with the retraction struck through', async () => {
    // Tab from the key form lands on the search box, then the filters and the stories.
    await page.focus('#forget');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.id)).toBe('find-q');
    await item(swap).locator('a').focus();
    await page.keyboard.press('Enter');
    await textMatches(page.locator('#detail-title'), new RegExp(`^${swap.split('/')[1]}$`), 'the swap to open');
    expect(await item(swap).locator('a').getAttribute('aria-current')).toBe('true');

    await textMatches(page.locator('#detail-badges [data-field="status"]'), /^Confirmed Under way, reported by three sources \(/, 'the detail badge');
    await textMatches(page.locator('#detail-badges [data-field="reportedStatus"]'), /^Only reported Completed, claimed by one named source \(Truth Social\)$/, 'the reported badge');
    // Why does the reported badge say so? The explanation names the source and lists the report behind it.
    const whyReported = page.locator('#detail-badges button[data-why="reportedStatus"]');
    await whyReported.click();
    expect(await whyReported.getAttribute('aria-expanded')).toBe('true');
    await textMatches(page.locator('#why-title'), /^Why “Only reported Completed, claimed by one named source \(Truth Social\)”\?$/, 'the why panel title');
    await textMatches(page.locator('#why-panel .why-sentence'), /^Completed: .*Truth Social/, 'the explanation sentence');
    await textMatches(page.locator('#why-panel .why-evidence li[data-role="supports"]'), /^SUPPORTS Completed claimed Truth Social \(Donald Trump\) · social · occurred 2025-05-23 · recorded \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC$/, 'the report behind it');
    await shot('01a-why-panel.png');
    await page.click('#why-panel .why-close');
    expect(await page.locator('#why-panel').isVisible()).toBe(false);
    expect(await whyReported.getAttribute('aria-expanded')).toBe('false');
    await textMatches(page.locator('#progress-text'), /^780 of 2,000 released \(39%\)$/, 'the progress text');
    expect([await page.getAttribute('progress#progress', 'value'), await page.getAttribute('progress#progress', 'max')]).toEqual(['780', '2000']);
    await textMatches(page.locator('.per-party li').first(), /^RU releases 390 of 1,000$/, 'the progress per party');
    await textMatches(page.locator('.phases li'), /^Phase 1 — RU 390 · UA 390 — 2025-05-23 confirmed$/, 'the phase');
    // The retracted two days are gone from the view: the unconfirmed three days stand.
    await textMatches(page.locator('.facts dt', { hasText: 'Expected days' }).locator('xpath=following-sibling::dd[1]'), /^3 unconfirmed Unconfirmed reports/, 'the expected days');

    const claims = page.locator('table.claims tbody tr');
    // The first phase released is a report of the swap under way (contract §7.2), listed with the others.
    expect(await claims.count()).toBe(4);
    const cells = async (row: number) => (await claims.nth(row).locator('td').allTextContents()).join(' | ');
    expect(await cells(1)).toMatch(/^completed \| claimed \| Truth Social \(Donald Trump\) · social \| 2025-05-23 \| \d{4}-/);
    expect(await cells(2)).toMatch(/^underway \| confirmed \| Ukrainian military sources · military \| 2025-05-23 \| /);
    expect(await cells(3)).toMatch(/^underway \| confirmed \| Coordination Headquarters for the Treatment of Prisoners of War · government \| 2025-05-23 \| /);

    const events = page.locator('#timeline > li');
    expect(await events.count()).toBe(story.filter((r) => r.subject === swap).length + added.length);
    await textMatches(entry(id('article-swap-trump-complete')), /Completed claimed Truth Social \(Donald Trump\)/, 'Trump\'s report in the timeline');
    await textMatches(entry(id('article-swap-trump-complete')), /this could lead to something big/, 'the note');
    const retracted = entry(id('timeline-two-days'));
    expect(await retracted.getAttribute('class')).toContain('is-retracted');
    expect(await retracted.locator('del').evaluate((d) => (globalThis as unknown as PageGlobals).getComputedStyle(d).textDecorationLine)).toContain('line-through');
    await textMatches(retracted.locator('.retraction-reason'), /Retracted .* by Regional broadcaster: The broadcaster corrected its report: three days, not two$/, 'the retraction reason');
    await textMatches(entry(id('timeline-two-days-retracted')), /Retraction confirmed Regional broadcaster · media Withdraws “Details reported” from Regional broadcaster/, 'the retraction entry');
    await textMatches(page.locator('#asof-out'), /^All 7 reports, now; following live changes$/, 'the as-of control at now');
    await shot('01-exchange-live.png');

    // By when things happened: the agreement of the 16th, then the reports of the 23rd (a day, in
    // the order recorded), then the undated ones, taken as when they were recorded.
    const happened = ['article-swap-agreed', 'article-swap-trump-complete', 'article-swap-military-underway', 'timeline-phase-1', 'timeline-two-days', 'article-swap-belarus-border', 'timeline-two-days-retracted'].map(id);
    expect(await timelineOrder()).toEqual(happened);
    await textMatches(entry(id('article-swap-agreed')).locator('.event-when'), /^on 2025-05-16 recorded \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC$/, 'a date as a day, the recording second');
    await textMatches(entry(id('article-swap-belarus-border')).locator('.occurred-main'), /^undated: taken as when recorded$/, 'an undated report');
    // The toggle: record order, as the log has it.
    await page.check('#order input[value="recorded"]');
    expect(await timelineOrder()).toEqual(['article-swap-agreed', 'article-swap-trump-complete', 'article-swap-military-underway', 'article-swap-belarus-border', 'timeline-phase-1', 'timeline-two-days', 'timeline-two-days-retracted'].map(id));
    await textMatches(entry(id('article-swap-agreed')).locator('.event-when'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC happened on 2025-05-16$/, 'the recording first');
    await page.locator('#timeline-section').screenshot({ path: path.join(ARTIFACTS, '01b-record-order.png') });
    await page.check('#order input[value="occurred"]');
    expect(await timelineOrder()).toEqual(happened);
    await page.locator('#timeline-section').screenshot({ path: path.join(ARTIFACTS, '01c-happened-order.png') });

    // The chart: each side's released count from zero at the agreement to the first phase, the agreed number above.
    expect(await page.locator('#chart svg .chart-band').count()).toBe(2);
    await textMatches(page.locator('#chart svg desc'), /^RU: 0 at the agreement \(2025-05-16\), 390 after phase 1 \(2025-05-23\); 1,000 agreed\. UA: 0 at the agreement \(2025-05-16\), 390 after phase 1 \(2025-05-23\); 1,000 agreed\.$/, 'the chart described');
    expect(await page.locator('#chart svg .chart-agreed-label').allTextContents()).toEqual(['agreed 1,000', 'agreed 1,000']);
    await page.locator('#chart').screenshot({ path: path.join(ARTIFACTS, '01d-chart.png') });
  });

  it('shows the story as it stood at an earlier moment, from the timeline, the slider and a typed instant', async () => {
    const trump = entry(id('article-swap-trump-complete'));
    await trump.locator('button[data-asof]').click();
    await textMatches(page.locator('#asof-out'), /^2 of 7 reports, as of /, 'the as-of position');
    await textMatches(page.locator('#detail-badges [data-field="status"]'), /^Confirmed Agreed, reported by two sources \(Wire report, 23 May 2025 and Truth Social\)$/, 'the confirmed status before the military spoke');
    await textMatches(page.locator('#detail-badges [data-field="reportedStatus"]'), /^Only reported Completed, claimed by one named source \(Truth Social\)$/, 'Trump\'s claim standing alone');
    await textMatches(page.locator('#progress-text'), /^0 of 2,000 released \(0%\)$/, 'nothing released then');
    expect(await page.locator('table.claims tbody tr').count()).toBe(2);
    expect(decodeURIComponent(new URL(page.url()).hash)).toMatch(new RegExp(`^#${swap}@\\d{4}-`));
    // Reports recorded later are marked, and the retraction had not happened yet.
    expect(await entry(id('article-swap-military-underway')).getAttribute('class')).toContain('is-later');
    expect(await entry(id('timeline-two-days')).locator('del').count()).toBe(0);
    expect(await page.locator('#timeline li.is-later').count()).toBe(5);
    await shot('02-exchange-as-of.png');

    // The slider, from the keyboard: Home is the first report, End is now and live again.
    await page.focus('#asof-range');
    await page.keyboard.press('Home');
    await textMatches(page.locator('#asof-out'), /^1 of 7 reports, as of /, 'the first report');
    await textMatches(page.locator('#detail-badges'), /^Confirmed Agreed, reported by one named source \(Wire report, 23 May 2025\) Why\?$/, 'only the agreement');
    await page.keyboard.press('End');
    await textMatches(page.locator('#asof-out'), /^All 7 reports, now/, 'back to now');
    await textMatches(page.locator('#detail-badges [data-field="status"]'), /^Confirmed Under way, reported by three sources \(/, 'the present');

    // A typed moment (UTC): just after the military confirmation was recorded.
    const history = await client(query.url, readerKey)('GET', `/v1/exchanges/${swap.split('/')[1]}/history`);
    const military = history.body.events.find((e: { eventId: string }) => e.eventId === id('article-swap-military-underway'));
    await page.fill('#asof-at', (military.recordedAt as string).slice(0, 23));
    await page.click('#asof button[type="submit"]');
    await textMatches(page.locator('#asof-out'), /^3 of 7 reports, as of /, 'the typed moment');
    await textMatches(page.locator('#detail-badges [data-field="status"]'), /^Confirmed Under way, reported by /, 'underway by then');
    await page.click('#asof-now');
    await textMatches(page.locator('#asof-out'), /^All 7 reports, now/, 'back to now again');
    // Every time in one UTC format, the moment field too.
    expect(await page.inputValue('#asof-at')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{3})? UTC$/);

    // validAt beside the slider: only what had happened by 22 May 2025, the agreement of the 16th.
    await page.fill('#valid-at', '2025-05-22');
    await page.click('#asof button[type="submit"]');
    await textMatches(page.locator('#asof-out'), /^All 7 reports, now; only what happened by 2025-05-22 \(UTC\)$/, 'the validAt moment');
    await textMatches(page.locator('#detail-badges'), /^Confirmed Agreed, reported by one named source \(Wire report, 23 May 2025\) Why\?$/, 'only the agreement had happened');
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#${swap};valid=2025-05-22`);
    // What happened later is marked in the timeline; the retraction counts whatever its date.
    await textMatches(entry(id('article-swap-trump-complete')).locator('.later-note'), /^Happened after 2025-05-22: not counted\.$/, 'a report of the 23rd marked');
    expect(await entry(id('article-swap-agreed')).locator('.later-note').count()).toBe(0);
    expect(await entry(id('timeline-two-days-retracted')).locator('.later-note').count()).toBe(0);
    await shot('02a-valid-at.png');
    await page.click('#asof-now');
    await textMatches(page.locator('#asof-out'), /^All 7 reports, now; following live changes$/, 'back to now after validAt');
    expect(await page.inputValue('#valid-at')).toBe('');
  });

  it('follows a live change without reloading: a confirmed completion turns the badges and fills the bar', async () => {
    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      w.sameDocument = true;
      w.shifts = 0;
      new w.PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) w.shifts += e.value;
      }).observe({ type: 'layout-shift' });
    });
    expect((await post(completed)).status).toBe(202);

    await textMatches(item(swap).locator('[data-field="status"]'), /^Confirmed Completed, reported by two sources \(Truth Social and Coordination Headquarters for the Treatment of Prisoners of War\)$/, 'the list badge to turn');
    expect(await item(swap).locator('[data-field="reportedStatus"]').count()).toBe(0);
    await textMatches(page.locator('#detail-badges'), /^Confirmed Completed, reported by two sources \(Truth Social and Coordination Headquarters for the Treatment of Prisoners of War\) Why\?$/, 'the detail badges to turn');
    await textMatches(page.locator('#progress-text'), /^2,000 of 2,000 released \(100%\)$/, 'the bar to fill');
    await textMatches(page.locator('#asof-out'), /^All 8 reports, now/, 'the new report in the timeline');
    await textMatches(page.locator('#chart svg desc'), /^RU: 0 at the agreement \(2025-05-16\), 390 after phase 1 \(2025-05-23\), 1,000 at the completion \(2025-05-25\); 1,000 agreed\./, 'the chart to reach the completion');
    await page.locator('#chart').screenshot({ path: path.join(ARTIFACTS, '03a-chart-completed.png') });
    // The completion happened on the 25th: after the reports of the 23rd, before the undated ones.
    expect((await timelineOrder()).slice(4, 7)).toEqual([id('timeline-two-days'), id('timeline-swap-completed'), id('article-swap-belarus-border')]);
    // The completion's changes read out together: the status, then the completed stage's corroboration, by its reason.
    await textMatches(page.locator('#announcer'), /confirmed status now completed \(was underway\)\. Corroboration of completed rose from single-source to multi-source: Coordination Headquarters for the Treatment of Prisoners of War reported that the exchange was completed/, 'the announcement for screen readers');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sameDocument)).toBe(true);
    // Nothing already on screen moved when the change came in.
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).shifts)).toBeLessThan(0.01);
    await shot('03-exchange-after-live-change.png');
  });

  it('shows the negotiation: rounds, who said what, mediation, and the exchange agreed there', async () => {
    await page.locator('.facts a', { hasText: istanbul.split('/')[1] }).focus();
    await page.keyboard.press('Enter');
    await textMatches(page.locator('#detail-title'), new RegExp(`^${istanbul.split('/')[1]}$`), 'the talks to open');
    await textMatches(page.locator('#detail-badges'), /^Status Active Why\?$/, 'the status');
    await textMatches(page.locator('.rounds li').nth(0), /^Round 1 — held · Istanbul · 2025-05-16 · low-level delegations confirmed/, 'round 1');
    await textMatches(page.locator('.rounds li').nth(1), /^Round 2 — announced reported\s*Agenda: Moscow to present a memorandum/, 'round 2');
    await textMatches(page.locator('.positions li').first(), /does not have legitimacy.*Sergei Lavrov \(RU\) on peace agreement confirmed/, 'Lavrov\'s position');
    await textMatches(page.locator('.facts').filter({ hasText: 'Vatican' }), /Proposed by Donald Trump reported; endorsed by Giorgia Meloni \(IT\) reported; rejected by Sergei Lavrov \(RU\) reported/, 'the mediation');
    await textMatches(page.locator('.facts a', { hasText: swap.split('/')[1] }), new RegExp(swap.split('/')[1]), 'the link to the swap');
    expect(await page.locator('#timeline > li').count()).toBe(story.filter((r) => r.subject === istanbul).length);
    await shot('04-negotiation.png');
  });

  it('finds a story by part of its headline, filters the lists, and goes back to them', async () => {
    const listed = (kind: 'exchanges' | 'negotiations') => page.locator(`#${kind} li.subject`);
    // Part of the headline, in another case: only the December swap, under its headline with its id beneath.
    await page.fill('#find-q', "NEW YEAR'S");
    await textMatches(page.locator('#find-out'), /^1 story matches\.$/, 'the search to answer');
    expect(await listed('exchanges').count()).toBe(1);
    await textMatches(item(decemberSwap).locator('.subject-name'), /^Ukraine and Russia swap prisoners on New Year's Eve$/, 'the headline on the card');
    await textMatches(item(decemberSwap).locator('.subject-id'), new RegExp(`^${decemberSwap.split('/')[1]}$`), 'the id under it');
    await textMatches(page.locator('#negotiations'), /^No negotiations match\.$/, 'no negotiation matches');
    await shot('05-search.png');

    // Disputed only: the December swap (150 vs 189) is listed, the big swap (no dispute) is not.
    await page.fill('#find-q', '');
    await page.check('#find-disputed');
    await textMatches(page.locator('#find-out'), /stor(y matches|ies match)\.$/, 'the disputed filter to answer');
    await eventually('the disputed swap alone', async () => ((await item(decemberSwap).count()) === 1 && (await item(swap).count()) === 0 ? true : undefined), 5000);
    await shot('06-filter-disputed.png');

    // A negotiation status: the talks, and no exchange at all (the status is not an exchange's).
    await page.uncheck('#find-disputed');
    await page.selectOption('#find-status', 'negotiation:active');
    await eventually('only active negotiations', async () => ((await item(istanbul).count()) === 1 && (await listed('exchanges').count()) === 0 ? true : undefined), 5000);
    await textMatches(page.locator('#exchanges'), /^No exchanges match\.$/, 'no exchange matches');
    // A party and a level narrow the exchanges; cleared, the lists are whole again.
    await page.selectOption('#find-status', '');
    await page.fill('#find-party', 'ua');
    await page.selectOption('#find-level', 'all-parties');
    // December's completion rests on both sides' officials (all parties); the big swap's on one desk's sources.
    await eventually('the all-parties exchanges of UA', async () => ((await item(decemberSwap).count()) === 1 && (await item(swap).count()) === 0 ? true : undefined), 5000);
    await page.fill('#find-party', '');
    await page.selectOption('#find-level', '');
    await eventually('the lists whole again', async () => ((await item(decemberSwap).count()) === 1 && (await item(swap).count()) === 1 ? true : undefined), 5000);
    await eventually('no count without a filter', async () => ((await page.locator('#find-out').textContent()) === '' ? true : undefined), 5000);

    // Opened, the story carries its headline and summary; the back control returns to the list, focus on the story left.
    await item(decemberSwap).locator('a').click();
    await textMatches(page.locator('#detail-title'), /^Ukraine and Russia swap prisoners on New Year's Eve$/, 'the headline as the story title');
    await textMatches(page.locator('#detail-id'), new RegExp(`^${decemberSwap.split('/')[1]}$`), 'the id under the title');
    await textMatches(page.locator('.detail-summary'), /^Both sides gave the number/, 'the summary');
    // The dispute in words, from its values and sources, and the figure shown.
    await textMatches(page.locator('.disputes li[data-fact="released.RU"]'), /^Released by Russia: Ukraine said 189; Russia said 150, shown: 150$/, 'the disputes panel');
    await textMatches(page.locator('#detail-badges [data-field="status"]'), /^Confirmed Completed, confirmed by both parties$/, 'both sides confirming the completion');
    // Its completion alone is no change over time to chart: the numbers beside the bar say it.
    expect(await page.locator('#chart').count()).toBe(0);
    await shot('05a-disputes.png');
    await page.click('#back');
    await textMatches(page.locator('#detail-title'), /^Choose a story$/, 'the story closed');
    expect(await page.locator('#back').isVisible()).toBe(false);
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.className)).toBe('subject-link');
  });

  it('shows the dead letters to a key that may audit, and resubmits a corrected copy through the ingest API', async () => {
    const admin = client(query.url);
    const auditKey = (await admin('POST', '/v1/admin/keys', { name: freshId('page-auditor'), scopes: ['read', 'audit'] })).body.key as string;
    const deskName = freshId('page-desk');
    const deskKey = (await admin('POST', '/v1/admin/keys', { name: deskName, scopes: ['ingest'] })).body.key as string;
    // A report the projector refuses: its confirmation is no confirmation word. Short enough to be kept whole.
    const dlSubject = `exchange/${freshId('x')}`;
    const dlId = freshId('d');
    const poison = JSON.stringify({ specversion: '1.0', id: dlId, type: 'exchange.underway', source: 'newsroom/d', subject: dlSubject, data: { source: { name: 'w', kind: 'agency' }, confirmation: 'yes', data: {} } });
    expect(poison.length).toBeLessThan(200);
    const producer = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'timeline-e2e' }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: testConfig.kafka.topics.events, messages: [{ key: dlSubject, value: poison }] });
    } finally {
      await producer.disconnect();
    }
    await eventually('the dead letter', async () => (await admin('GET', '/v1/admin/dead-letters?limit=500')).body.letters?.find((l: { key: string }) => l.key === dlSubject));

    // The read key may not see them: the view says so, and the key stays connected.
    await page.click('#dlq-link');
    await textMatches(page.locator('#dlq-out'), /^This key may not read dead letters: they need a key with the audit scope/, 'the refusal in the view');
    await textMatches(page.locator('#live'), /^Live$/, 'still connected');
    await shot('13-dead-letters-read-key.png', false);

    await page.fill('#key', auditKey);
    await page.press('#key', 'Enter');
    await textMatches(page.locator('#live'), /^Live$/, 'the auditor connected');
    await textMatches(page.locator('#dlq-out'), /^\d+ dead letters?, newest first; \d+ shown\.$/, 'the letters counted');
    const letter = page.locator('li.letter', { hasText: dlSubject });
    await textMatches(letter.locator('.letter-reason'), /^report failed validation confirmation: must be one of confirmed, reported, claimed, unconfirmed, denied$/, 'the reason and the field at fault');
    await textMatches(letter.locator('.letter-position'), new RegExp(`^partition \\d+, offset \\d+ of ${testConfig.kafka.topics.events.replace(/\./g, '\\.')} · key ${dlSubject}$`), 'where it sat');
    expect(await letter.locator('pre.dlq-preview').textContent()).toBe(poison);
    await textMatches(letter.locator('.letter-bytes'), new RegExp(`^${Buffer.byteLength(poison)} bytes$`), 'its length');
    await textMatches(letter.locator('time'), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? UTC$/, 'when it arrived');
    await letter.scrollIntoViewIfNeeded();
    await shot('14-dead-letters.png', false);

    // The corrected copy starts as the report the letter carried; sent as it is, the ingest API refuses it again.
    await letter.locator('button.resubmit-open').click();
    const draft = JSON.parse(await page.inputValue('#resubmit-text'));
    expect(draft).toEqual({ id: dlId, type: 'exchange.underway', subject: dlSubject, source: { name: 'w', kind: 'agency' }, confirmation: 'yes', data: {} });
    await page.fill('#resubmit-key', deskKey);
    await page.click('#resubmit button[type="submit"]');
    await textMatches(page.locator('#resubmit-out'), /^Not recorded \(400 invalid_report\): .*confirmation/, 'the ingest API\'s refusal');
    expect(await page.getAttribute('#resubmit-out', 'data-ok')).toBe('false');
    await page.locator('#resubmit').screenshot({ path: path.join(ARTIFACTS, '15-resubmit-refused.png') });

    await page.fill('#resubmit-text', JSON.stringify({ ...draft, confirmation: 'confirmed' }, null, 2));
    await page.click('#resubmit button[type="submit"]');
    await textMatches(page.locator('#resubmit-out'), new RegExp(`^Recorded as ${dlId} \\(${dlSubject}, partition \\d+, offset \\d+\\)\\.$`), 'the corrected copy recorded');
    await page.locator('#resubmit').screenshot({ path: path.join(ARTIFACTS, '16-resubmit-recorded.png') });
    // Through the one ingest path: on the log under the desk's name, and projected.
    const recorded = await eventually('the corrected report projected', async () => {
      const r = await client(query.url, auditKey)('GET', `/v1/exchanges/${dlSubject.split('/')[1]}/history`);
      return r.status === 200 ? r.body.events : undefined;
    });
    expect(recorded.map((e: { eventId: string; ingestor: string; confirmation: string }) => [e.eventId, e.ingestor, e.confirmation])).toEqual([[dlId, deskName, 'confirmed']]);
    await page.click('#dlq-back');
    await textMatches(page.locator('#detail-title'), /^Choose a story$/, 'back to the stories');
    expect(problems).toEqual([]);
  });

  it('on a 375 px phone, the story takes the list\'s place, the back control returns to it, and nothing runs off the edge', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.evaluate(() => (globalThis as unknown as PageGlobals).scrollTo(0, 0));
    expect(await page.locator('#find-q').isVisible()).toBe(true);
    expect(await page.locator('#detail').isVisible()).toBe(false);
    const fits = async (what: string) => {
      const width = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth);
      if (width <= 375) return;
      // Names the widest elements past the edge, so a failure says what to fix.
      const over = await page.locator('body *').evaluateAll((nodes) =>
        (nodes as unknown as Array<{ tagName: string; id: string; className: string; closest(s: string): unknown; getBoundingClientRect(): { right: number } }>)
          // what a table's own scroller holds may be wider: it scrolls, with its cue
          .filter((n) => n.getBoundingClientRect().right > 375.5 && !n.closest('.table-wrap > *'))
          .slice(-5)
          .map((n) => `${n.tagName.toLowerCase()}${n.id ? `#${n.id}` : ''}${n.className ? `.${String(n.className).split(' ').join('.')}` : ''} (right ${Math.round(n.getBoundingClientRect().right)})`));
      throw new Error(`${what} run ${width - 375} px off the edge of a 375 px screen: ${over.join(', ')}`);
    };
    await fits('the lists');
    await shot('07-narrow-lists.png', false);
    await item(swap).locator('a').click();
    await textMatches(page.locator('#detail-title'), new RegExp(`^${swap.split('/')[1]}$`), 'the swap on a narrow screen');
    // The list no longer stands between the reader and the story.
    expect(await page.locator('#lists').isVisible()).toBe(false);
    await eventually('the story right under the masthead', async () => {
      const [head, story] = [(await page.locator('.masthead').boundingBox())!, (await page.locator('#detail').boundingBox())!];
      return story.y - (head.y + head.height) < 40 ? true : undefined;
    }, 5000);
    await fits('the story');
    await shot('08-narrow-story.png', false);
    await shot('09-narrow-story-full.png');
    // The chart scales to the width; the order control and its entries wrap.
    await page.locator('#chart').screenshot({ path: path.join(ARTIFACTS, '09b-narrow-chart.png') });
    await page.locator('#timeline-section .timeline-head').screenshot({ path: path.join(ARTIFACTS, '09c-narrow-order.png') });
    // The claims table scrolls inside its box, a shadow at the right edge saying there is more.
    await page.locator('.table-wrap:has(table.claims)').first().screenshot({ path: path.join(ARTIFACTS, '09a-narrow-table.png') });
    // Its why panel, the December dispute and the talks fit too.
    await page.click('#detail-badges button[data-why="status"]');
    await textMatches(page.locator('#why-panel .why-sentence'), /^Completed: /, 'the why panel on a phone');
    await fits('the why panel');
    await shot('10-narrow-why.png', false);
    await page.click('#back');
    await item(decemberSwap).locator('a').click();
    await textMatches(page.locator('.disputes li'), /Ukraine said 189; Russia said 150, shown: 150$/, 'the dispute on a phone');
    await fits('the disputes panel');
    await page.click('#back');
    await item(istanbul).locator('a').click();
    await textMatches(page.locator('.rounds li').first(), /^Round 1/, 'the talks on a phone');
    await fits('the negotiation');
    await shot('11-narrow-negotiation.png');
    await page.click('#back');
    expect(await page.locator('#lists').isVisible()).toBe(true);
    await textMatches(page.locator('#detail-title'), /^Choose a story$/, 'back to the lists');
    // The dead letters take the lists' place too, their cards reflowed to the width.
    await page.click('#dlq-link');
    await textMatches(page.locator('#dlq-out'), /dead letters?, newest first/, 'the dead letters on a phone');
    expect(await page.locator('#lists').isVisible()).toBe(false);
    await fits('the dead letters');
    await shot('11a-narrow-dead-letters.png', false);
    await page.click('#dlq-back');
    expect(await page.locator('#lists').isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('pages past the first 50 stories a search finds', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    // 51 small swaps under one headline word, sent as one batch.
    const word = `pagingtest${suffix}`;
    const reports: ReportInput[] = Array.from({ length: 51 }, (_, i) => ({
      type: 'exchange.described',
      subject: `exchange/paging-${suffix}-${String(i).padStart(2, '0')}`,
      occurredAt: '2025-06-01',
      source: { name: 'Reuters', kind: 'agency' },
      confirmation: 'confirmed',
      data: { title: `Swap ${i + 1} of 51 (${word})` },
    }));
    const batch = await client(ingest.url)('POST', '/v1/reports/batch', reports);
    expect([batch.status, batch.body.accepted]).toEqual([200, 51]);
    await eventually('the 51 swaps listed', async () => {
      const r = await client(query.url, readerKey)('GET', `/v1/exchanges?q=${word}&limit=500`);
      return r.body.items.length === 51 ? true : undefined;
    });
    await page.fill('#find-q', word);
    await textMatches(page.locator('#find-out'), /^50 stories match \(more below\)\.$/, 'the first page');
    expect(await page.locator('#exchanges li.subject').count()).toBe(50);
    const more = page.locator('[data-more="exchange"]');
    expect(await more.isVisible()).toBe(true);
    await more.click();
    await eventually('the 51st swap', async () => ((await page.locator('#exchanges li.subject').count()) === 51 ? true : undefined), 5000);
    expect(await more.isVisible()).toBe(false);
    await shot('12-paging.png', false);
    expect(problems).toEqual([]);
  });
});
