import { recorder } from './event.fixture';
import { searchForm, searchTextOf } from './headline';
import { subjectKindsOf } from './event.catalogue';
import { REPORT_SCHEMAS } from './report.schema';
import { replay, toView } from './subject.projection';
import { summarize, summaryColumns } from './subject.summary';

const reuters = { name: 'Reuters', kind: 'agency', via: 'TASS' } as const;
const kremlin = { name: 'Kremlin', kind: 'government', party: 'RU' } as const;

describe.each(['exchange', 'negotiation'] as const)('%s headline (contract §7.6)', (kind) => {
  const subject = `${kind}/headline-test`;
  const type = `${kind}.described` as const;
  const record = () => recorder(subject);

  it('is the latest live description that is not denied, with its summary or none', () => {
    const r = record();
    const first = r(type, { title: 'Swap agreed', summary: 'Both sides release 1,000.' });
    const second = r(type, { title: 'Swap under way' }, { confirmation: 'unconfirmed' });
    const denied = r(type, { title: 'Swap collapses', summary: 'It did not.' }, { confirmation: 'denied', source: kremlin });
    const view = toView(replay(subject, [first, second, denied]));
    expect(view).toMatchObject({ title: 'Swap under way', summary: null, evidence: { title: second.id } });
    expect(toView(replay(subject, [first, denied]))).toMatchObject({ title: 'Swap agreed', summary: 'Both sides release 1,000.', evidence: { title: first.id } });
    expect(toView(replay(subject, [denied]))).toMatchObject({ title: null, summary: null, evidence: { title: null } });
  });

  it('comes back to the earlier description when the latest is retracted', () => {
    const r = record();
    const first = r(type, { title: 'Swap agreed' });
    const second = r(type, { title: 'Swap done', summary: 'All home.' });
    const retraction = r('report.retracted', { eventId: second.id, reason: 'premature' });
    const state = replay(subject, [first, second, retraction]);
    expect(toView(state)).toMatchObject({ title: 'Swap agreed', summary: null });
    expect(summarize(state)).toMatchObject({ title: 'Swap agreed' });
    expect(summaryColumns(summarize(state)).search).not.toContain('swap done');
  });

  it('searches id, title, parties, source names and via, but not a retracted report or a superseded title', () => {
    const r = record();
    const titled = r(type, { title: 'Old Title' });
    const retitled = r(type, { title: 'Vatican-backed Talks' }, { source: reuters });
    const gone = r(type, { title: 'Gone' }, { source: { name: 'Withdrawn Wire', kind: 'media' } });
    const retraction = r('report.retracted', { eventId: gone.id, reason: 'wrong story' });
    const search = summaryColumns(summarize(replay(subject, [titled, retitled, gone, retraction]))).search;
    expect(search.split('\n')).toEqual(['headline-test', 'vatican-backed talks', 'reuters', 'tass', 'test wire']);
  });

  it('is refused over 200 characters of title or 2,000 of summary, and with unstorable text', () => {
    const base = { type, subject, source: reuters, confirmation: 'confirmed' };
    const schema = REPORT_SCHEMAS[type];
    expect(schema.safeParse({ ...base, data: { title: 'x'.repeat(200), summary: 'y'.repeat(2000) } }).success).toBe(true);
    expect(schema.safeParse({ ...base, data: { title: 'x'.repeat(201) } }).success).toBe(false);
    expect(schema.safeParse({ ...base, data: { title: 'ok', summary: 'y'.repeat(2001) } }).success).toBe(false);
    expect(schema.safeParse({ ...base, data: { title: 'nul \u0000' } }).success).toBe(false);
    expect(schema.safeParse({ ...base, data: {} }).success).toBe(false);
    expect(schema.safeParse({ ...base, data: { title: '' } }).success).toBe(false);
  });

  it('is about its own kind only', () => {
    expect(subjectKindsOf(type)).toEqual([kind]);
    const other = kind === 'exchange' ? 'negotiation/x-1' : 'exchange/x-1';
    expect(REPORT_SCHEMAS[type].safeParse({ type, subject: other, source: reuters, confirmation: 'confirmed', data: { title: 't' } }).success).toBe(false);
  });
});

describe('search text', () => {
  it('takes mediators and venues from reports that count, and source names from every report', () => {
    const r = recorder('negotiation/venue-test');
    const held = r('negotiation.round.held', { round: 1, venue: 'Istanbul' });
    const deniedVenue = r('negotiation.round.held', { round: 2, venue: 'Geneva' }, { confirmation: 'denied', source: kremlin });
    const mediator = r('negotiation.mediation.proposed', { mediator: 'Vatican', by: 'Giorgia Meloni' });
    const search = summaryColumns(summarize(replay('negotiation/venue-test', [held, deniedVenue, mediator]))).search;
    expect(search.split('\n')).toEqual(['venue-test', 'istanbul', 'kremlin', 'test wire', 'vatican']);
    const x = recorder('exchange/mediator-test');
    const details = x('exchange.details.reported', { mediators: ['AE'] });
    expect(summaryColumns(summarize(replay('exchange/mediator-test', [details]))).search.split('\n')).toContain('ae');
  });

  it('keeps one name per line in lower case, so a query never matches across two', () => {
    expect(searchTextOf('a-b', 'Big\nSwap', ['UA'], ['x'])).toBe('a-b\nbig swap\nua\nx');
    expect(searchForm('ÉCHANGE Istanbul')).toBe('échange istanbul');
  });
});
