import { replay, toView, type ExchangeView, type NegotiationView } from '@newsledger/domain';
import { afterwardStory, articleStory, BIG_SWAP, DECEMBER_2024_SWAP, ISTANBUL } from '../../../../test/fixtures/article.story';
import { eventsOf, recordStory } from '../../../../test/fixtures/story.fixture';
import { formatView, reportWords } from './show.command';

const recorded = recordStory([...articleStory, ...afterwardStory]);
const viewOf = (subject: string, events = recorded) => toView(replay(subject, eventsOf(subject, events)));
const articleOnly = recordStory(articleStory);

describe('show', () => {
  it('says the status and what is only claimed beyond it in words, never "confirmed by" what no official said', () => {
    const text = formatView(viewOf(BIG_SWAP, articleOnly) as ExchangeView);
    expect(text).toMatch(/^status +Under way, reported by two sources \(Truth Social and Ukrainian military sources\)$/m);
    expect(text).toMatch(/^reported +Completed, claimed by one named source \(Truth Social\)$/m);
    expect(text).not.toMatch(/confirmed by (?!both|one party|all)/);
  });

  it('says the corroboration of each stage in words, its sources beneath, once both sides confirm', () => {
    const text = formatView(viewOf(BIG_SWAP) as ExchangeView);
    expect(text).toMatch(/^status +Under way, confirmed by both parties$/m);
    expect(text).not.toMatch(/^reported /m);
    expect(text).toContain('how sure, stage by stage');
    expect(text).toContain(
      '  Under way, confirmed by both parties\n      Ukrainian military sources (military), Russian Ministry of Defence (official RU), Coordination Headquarters for the Treatment of POWs (government UA)',
    );
    expect(text).toContain('  underway (phase 1) confirmed   Russian Ministry of Defence, official RU  after-ru-mod-phase-1');
  });

  it('prints each confirmed phase with its figures, date and who stands behind it', () => {
    const text = formatView(viewOf(BIG_SWAP) as ExchangeView);
    expect(text).toContain('phases\n   1  RU 390, UA 390   2025-05-23  confirmed by Coordination Headquarters for the Treatment of POWs');
  });

  it('says a dispute as who said what and which figure is shown', () => {
    const text = formatView(viewOf(DECEMBER_2024_SWAP) as ExchangeView);
    expect(text).toContain('RU 150, UA 150 (disputed: the lowest figure shown)');
    expect(text).toContain('disputes (sources disagree; the lowest figure is shown)\n  Released by Russia: Ukraine said 189; Russia said 150, shown: 150');
  });

  it('words one report by what stands behind it', () => {
    const official = { name: 'Russian Ministry of Defence', kind: 'official', party: 'RU' } as const;
    const military = { name: 'Ukrainian military sources', kind: 'military' } as const;
    expect(reportWords('confirmed', official)).toBe('confirmed by Russian Ministry of Defence');
    expect(reportWords('confirmed', military)).toBe('reported by Ukrainian military sources');
    expect(reportWords('claimed', { name: 'Truth Social', kind: 'social', speaker: 'Donald Trump' })).toBe('claimed by Truth Social (Donald Trump)');
    expect(reportWords('denied', official)).toBe('denied by Russian Ministry of Defence');
  });

  it('prints the headline and its summary under the subject, and nothing for a story without one', () => {
    const exchange = { ...(viewOf(BIG_SWAP) as ExchangeView), title: 'Ukraine and Russia swap 1,000 each', summary: 'The largest swap of the war.' };
    expect(formatView(exchange).split('\n').slice(0, 3)).toEqual([
      expect.stringContaining(exchange.subject),
      'Ukraine and Russia swap 1,000 each',
      'The largest swap of the war.',
    ]);
    const negotiation = { ...(viewOf(ISTANBUL) as NegotiationView), exchanges: [], title: 'Istanbul talks', summary: null };
    expect(formatView(negotiation as never).split('\n').slice(1, 3)).toEqual(['Istanbul talks', expect.stringMatching(/^status/)]);
    expect(formatView(viewOf(DECEMBER_2024_SWAP) as ExchangeView).split('\n')[1]).toMatch(/^status/);
  });

  it('prints the confirmation of each round, mediator and endorsement', () => {
    const text = formatView({ ...(viewOf(ISTANBUL) as NegotiationView), exchanges: [] } as never);
    expect(text).toContain('   2  announced (reported)');
    expect(text).toContain('  Vatican (reported): proposed by Donald Trump (reported); endorsed by Giorgia Meloni (reported); rejected by Sergei Lavrov (reported)');
    expect(text).toContain('  Memorandum (RU, round 2) (reported)');
  });

  it("lists a round's agenda, one item a line", () => {
    const talks = viewOf(ISTANBUL) as NegotiationView;
    const rounds = talks.rounds.map((r) => (r.round === 2 ? { ...r, agenda: ['a memorandum', 'a ceasefire'] } : r));
    const lines = formatView({ ...talks, rounds, exchanges: [] } as never).split('\n');
    const at = lines.findIndex((l) => l.startsWith('   2  announced'));
    expect(lines.slice(at + 1, at + 4)).toEqual(['      agenda', '        · a memorandum', '        · a ceasefire']);
  });
});

