import { EXCHANGE_STATUSES, NEGOTIATION_STATUSES, replay, toView, type ExchangeView } from '@newsledger/domain';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as cli from '../apps/cli/src/how-sure.wording';
import { afterwardStory, articleStory } from './fixtures/article.story';
import { secondStory } from './fixtures/second.story';
import { recordStory } from './fixtures/story.fixture';

/**
 * The CLI says how sure a view is with the timeline page's rule: the page's wording is a browser
 * module (no build step) the CLI cannot load, so the CLI holds a TypeScript copy, and this test
 * holds the two to the same sentences for every stage, status and dispute of the stories.
 */
function pageWording(): typeof cli {
  const source = readFileSync(path.join(__dirname, '..', 'apps', 'query-api', 'src', 'show-timeline', 'assets', 'wording.js'), 'utf8');
  const names = [...source.matchAll(/^export (?:function|const) (\w+)/gm)].map((m) => m[1]);
  return new Function(`${source.replace(/^export /gm, '')}\nreturn { ${names.join(', ')} };`)() as typeof cli;
}

describe('the CLI words how sure a view is as the timeline page does', () => {
  const page = pageWording();
  const events = recordStory([...articleStory, ...afterwardStory, ...secondStory]);
  // Each subject as it stood after each of its reports, so every rung of every ladder is met.
  const views: ExchangeView[] = [];
  for (const subject of new Set(events.filter((e) => e.subject.startsWith('exchange/')).map((e) => e.subject))) {
    const own = events.filter((e) => e.subject === subject);
    for (let n = 1; n <= own.length; n++) views.push(toView(replay(subject, own.slice(0, n))) as ExchangeView);
  }

  it('says every stage of every ladder in the same words, confirmed and reported', () => {
    let compared = 0;
    for (const v of views) {
      for (const [stage, c] of Object.entries(v.corroboration)) {
        for (const how of ['confirmed', 'reported'] as const) {
          expect({ subject: v.subject, stage, how, cli: cli.badgeWords(stage, how, c, v.parties) }).toEqual({ subject: v.subject, stage, how, cli: page.badgeWords(stage, how, c, v.parties) });
          compared += 1;
        }
        expect(cli.levelWords(c, v.parties)).toBe(page.levelWords(c, v.parties));
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('says every dispute and status in the same words', () => {
    const disputes = views.flatMap((v) => v.disputes);
    expect(disputes.length).toBeGreaterThan(0);
    for (const d of disputes) {
      expect(cli.disputeWords(d)).toBe(page.disputeWords(d));
      expect(cli.factWords(d.fact)).toBe(page.factWords(d.fact));
    }
    for (const s of [...EXCHANGE_STATUSES, ...NEGOTIATION_STATUSES, 'someday']) expect(cli.statusWord(s)).toBe(page.statusWord(s));
    expect(cli.badgeWords('underway', 'confirmed', undefined)).toBe(page.badgeWords('underway', 'confirmed', undefined));
    expect(cli.badgeWords('completed', 'reported', null)).toBe(page.badgeWords('completed', 'reported', null));
  });
});
