import { replay, toView, type ExchangeView, type NegotiationView } from '@newsledger/domain';
import { afterwardStory, articleStory, BIG_SWAP, DECEMBER_2024_SWAP, ISTANBUL } from '../../../../test/fixtures/article.story';
import { eventsOf, recordStory } from '../../../../test/fixtures/story.fixture';
import { formatView } from './show.command';

const recorded = recordStory([...articleStory, ...afterwardStory]);
const viewOf = (subject: string) => toView(replay(subject, eventsOf(subject, recorded)));

describe('show', () => {
  it('prints the corroboration of each stage with its sources, and who denied it', () => {
    const text = formatView(viewOf(BIG_SWAP) as ExchangeView);
    expect(text).toContain('corroboration (who said so, whatever the desks flagged)');
    expect(text).toContain(
      '  underway   all-parties   Ukrainian military sources (military), Russian Ministry of Defence (official RU), Coordination Headquarters for the Treatment of POWs (government UA)',
    );
    expect(text).toContain('  underway (phase 1) confirmed   Russian Ministry of Defence, official RU  after-ru-mod-phase-1');
  });

  it('prints a dispute with every value and says the figure shown is the lowest', () => {
    const text = formatView(viewOf(DECEMBER_2024_SWAP) as ExchangeView);
    expect(text).toContain('RU 150, UA 150 (disputed: the lowest figure shown)');
    expect(text).toContain(
      '  released.RU: shown 150; 150 by Russian Ministry of Defence (official RU) vs 189 by Office of the President of Ukraine (official UA)',
    );
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
    expect(text).toContain('   2  announced (reported) Istanbul'.replace(' Istanbul', '').trimEnd());
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

