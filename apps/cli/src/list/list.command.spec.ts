import { replay, toView, type ExchangeView, type NegotiationView } from '@newsledger/domain';
import { afterwardStory, articleStory, BIG_SWAP, DECEMBER_2024_SWAP, ISTANBUL } from '../../../../test/fixtures/article.story';
import { eventsOf, recordStory } from '../../../../test/fixtures/story.fixture';
import { runCli } from '../cli-run.fixture';
import { hintAfterUsageErrors, registerCommands } from '../cli.commands';
import { collectionsFor, formatListing, listQuery } from './list.command';

const recorded = recordStory([...articleStory, ...afterwardStory]);
const viewOf = (subject: string) => toView(replay(subject, eventsOf(subject, recorded)));

describe('list', () => {
  const swap = { ...(viewOf(BIG_SWAP) as ExchangeView), title: 'Ukraine and Russia swap 1,000 prisoners each' };
  const december = viewOf(DECEMBER_2024_SWAP) as ExchangeView;
  const talks = viewOf(ISTANBUL) as NegotiationView;

  it('prints each kind as a table under a header, status in words and disputes marked', () => {
    const text = formatListing({ exchanges: { items: [swap, december], nextCursor: null }, negotiations: { items: [talks], nextCursor: null } });
    const lines = text.split('\n');
    expect(lines[0]).toBe('2 exchanges, most recently updated first');
    expect(lines[1]).toMatch(/^SUBJECT {2,}STATUS {2,}RELEASED {2,}UPDATED {2,}TITLE$/);
    expect(lines[2]).toMatch(/^exchange\/ua-ru-2025-05-1000 {2,}Under way, confirmed by both parties {2,}RU 390, UA 390 {2,}2025-05-23T\S+ {2,}Ukraine and Russia swap 1,000 prisoners each$/);
    expect(lines[3]).toMatch(/^exchange\/ua-ru-2024-12-30 {2,}Completed, confirmed by both parties {2,}RU 150, UA 150 \(disputed\)/);
    expect(lines[5]).toBe('1 negotiation, most recently updated first');
    expect(lines[6]).toMatch(/^SUBJECT {2,}STATUS {2,}PARTIES {2,}ROUNDS {2,}UPDATED {2,}TITLE$/);
    expect(lines[7]).toMatch(/^negotiation\/ua-ru-istanbul-2025 {2,}Active {2,}RU, UA, US {2,}1 held of 2 {2,}2025-05-23T\S+$/);
  });

  it('says when nothing matches, and prints the command for the next page with the same filters', () => {
    const o = { status: ['underway'], q: "prisoner's swap", limit: 1 };
    const text = formatListing({ exchanges: { items: [swap], nextCursor: 'abc_-1' } }, o);
    expect(text).toContain('1 exchange, more after these, most recently updated first');
    expect(text).toContain(`more: newsledger list exchanges --status underway --q 'prisoner'\\''s swap' --limit 1 --cursor abc_-1`);
    expect(formatListing({ negotiations: { items: [], nextCursor: null } })).toBe('no negotiations match\n');
  });

  it('fits the width of the terminal, the headline giving way first and the status last', () => {
    const lines = formatListing({ exchanges: { items: [swap], nextCursor: null } }, {}, undefined, 150).trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(150);
    expect(lines[2]).toMatch(/^exchange\/ua-ru-2025-05-1000 {2}Under way, confirmed by both parties {2}RU 390, UA 390 {2}2025-05-23T\S+ {2}Ukraine and Russia swap [^…]+…$/);
    const narrow = formatListing({ exchanges: { items: [swap], nextCursor: null } }, {}, undefined, 80).trimEnd().split('\n');
    for (const line of narrow) expect(line.length).toBeLessThanOrEqual(80);
    expect(narrow[2]).toContain('Under way, confirmed by both parties');
    // Past the headline's least width, the time gives way before anything is cut off the end.
    const mid = formatListing({ exchanges: { items: [swap], nextCursor: null } }, {}, undefined, 120).trimEnd().split('\n');
    expect(mid[2]).toMatch(/ {2}2025-05-23… {2}Ukraine and Russia swap…$/);
  });

  it('lists the kinds the filters can match, and refuses filters no kind can', () => {
    expect(collectionsFor(undefined, {})).toEqual(['exchanges', 'negotiations']);
    expect(collectionsFor(undefined, { status: ['agreed'] })).toEqual(['exchanges']);
    expect(collectionsFor(undefined, { disputed: true })).toEqual(['exchanges']);
    expect(collectionsFor(undefined, { status: ['active'] })).toEqual(['negotiations']);
    expect(collectionsFor('negotiations', {})).toEqual(['negotiations']);
    expect(() => collectionsFor(undefined, { status: ['agreed', 'active'] })).toThrow(/no single kind/);
    expect(() => collectionsFor('negotiations', { level: ['one-party'] })).toThrow(/for exchanges, not negotiations/);
    expect(() => collectionsFor(undefined, { cursor: 'x' })).toThrow(/--cursor continues one kind/);
  });

  it('asks the API for 20 of each kind by default, with the filters joined', () => {
    expect(listQuery({ status: ['agreed', 'underway'], party: ['UA'], disputed: false, level: ['all-parties'], q: 'swap' })).toEqual({
      status: 'agreed,underway', party: 'UA', disputed: false, level: 'all-parties', q: 'swap', limit: 20,
    });
    expect(listQuery({ q: '  ', limit: 5, cursor: 'c' })).toEqual({ limit: 5, cursor: 'c' });
  });
});

describe('list and history usage', () => {
  const register = (program: Parameters<typeof registerCommands>[0]) => {
    registerCommands(program);
    hintAfterUsageErrors(program);
  };
  const key = ['--key', 'k'];

  it('refuses a status, level or party no list knows, in one line with a hint', async () => {
    expect(await runCli(register, ['list', '--status', 'done', ...key])).toEqual({
      exitCode: 2,
      stderr: expect.stringMatching(/^error: option '--status <status>' argument 'done' is invalid\. "done" is not a status; use proposed, agreed, .*\n\(see "newsledger help list" for its options and examples\)\n$/),
    });
    expect((await runCli(register, ['list', '--level', 'sure', ...key])).stderr).toContain('"sure" is not a corroboration level; use unattributed, single-source');
    expect((await runCli(register, ['list', '--party', 'Ukraine', ...key])).stderr).toContain('"Ukraine" is not an ISO 3166 alpha-2 code such as UA');
    expect((await runCli(register, ['list', 'treaties', ...key])).stderr).toContain('exchanges or negotiations');
  });

  it('refuses filters of two kinds, or a cursor without its kind, before asking the API', async () => {
    expect(await runCli(register, ['list', '--status', 'agreed,active', ...key])).toEqual({ exitCode: 2, stderr: expect.stringMatching(/^newsledger: those filters match no single kind: .*\n$/) });
    expect((await runCli(register, ['list', '--cursor', 'abc', ...key])).exitCode).toBe(2);
    expect(await runCli(register, ['history', 'exchange/ua-ru-2025-05-1000', '--cursor', 'abc', ...key])).toEqual({ exitCode: 2, stderr: expect.stringContaining('--cursor pages with --limit') });
    expect((await runCli(register, ['history', 'exchange/ua-ru-2025-05-1000', '--limit', '0', ...key])).stderr).toContain('a whole number from 1 to 1000');
  });
});
