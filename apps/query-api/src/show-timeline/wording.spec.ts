import { loadPageModule } from './page-module.fixture';
import * as client from '@newsledger/client';
import { loadPageAssets, WORDING_MODULE } from './timeline-page.assets';

/** The page's wording module, the very module served (see page-module.fixture.ts). */
interface Source { name: string; kind: string; party?: string }
interface Wording {
  statusWord(status: string): string;
  levelWords(corroboration: unknown, parties?: string[]): string | null;
  badgeWords(status: string, how: 'confirmed' | 'reported', corroboration: unknown, parties?: string[]): string;
  factWords(fact: string): string;
  disputeWords(dispute: { fact: string; shown: number; values: Array<{ value: number; sources: Source[] }> }, format?: (n: number) => string): string;
}
const loadWording = () => loadPageModule<Wording>('wording.js');

const trump: Source = { name: 'Donald Trump', kind: 'social' };
const ruMod: Source = { name: 'Russian Ministry of Defence', kind: 'official', party: 'RU' };
const uaHq: Source = { name: 'Coordination Headquarters for the Treatment of POWs', kind: 'government', party: 'UA' };
const military: Source = { name: 'Ukrainian military sources', kind: 'military' };
const ladder = (level: string, sources: Source[], officialParties: string[] = [], extra: object = {}) => ({ level, sources, officialParties, deniedBy: [], contested: false, eventIds: [], ...extra });

describe('the timeline page wording (wording.js, libs/client\'s howSureWording as served)', () => {
  const w = loadWording();

  it('is served with the page, made from the rule the CLI uses', () => {
    expect(loadPageAssets().assets.get(WORDING_MODULE)?.body.toString()).toContain(client.howSureWording.toString());
    const contested = ladder('all-parties', [ruMod, uaHq], ['RU', 'UA'], { contested: true, deniedBy: [trump] });
    expect(w.badgeWords('completed', 'confirmed', contested, ['UA', 'RU'])).toBe(client.badgeWords('completed', 'confirmed', contested, ['UA', 'RU']));
  });

  it('says each badge with its corroboration level in words', () => {
    expect(w.badgeWords('underway', 'confirmed', ladder('all-parties', [military, ruMod, uaHq], ['RU', 'UA']), ['UA', 'RU'])).toBe('Under way, confirmed by both parties');
    expect(w.badgeWords('completed', 'reported', ladder('single-source', [trump]), ['UA', 'RU'])).toBe('Completed, claimed by one named source (Donald Trump)');
    expect(w.badgeWords('underway', 'confirmed', ladder('multi-source', [trump, military]), ['UA', 'RU'])).toBe(
      'Under way, reported by two sources (Donald Trump and Ukrainian military sources)',
    );
    expect(w.badgeWords('agreed', 'confirmed', ladder('one-party', [ruMod], ['RU']))).toBe('Agreed, confirmed by one party (RU)');
    expect(w.badgeWords('proposed', 'reported', ladder('unattributed', [{ name: 'unnamed sources', kind: 'unnamed' }]))).toBe('Proposed, claimed by unnamed sources only');
    expect(w.badgeWords('completed', 'confirmed', ladder('all-parties', [], ['AE', 'RU', 'UA']), ['AE', 'RU', 'UA'])).toBe('Completed, confirmed by all three parties (AE, RU and UA)');
  });

  it('says a badge without a ladder entry by its confirmation alone, and a denial after it', () => {
    expect(w.badgeWords('underway', 'confirmed', undefined)).toBe('Under way, confirmed');
    expect(w.badgeWords('completed', 'reported', null)).toBe('Completed, only reported');
    expect(w.badgeWords('completed', 'reported', ladder('single-source', [trump], [], { contested: true, deniedBy: [ruMod] }))).toBe(
      'Completed, claimed by one named source (Donald Trump); denied by Russian Ministry of Defence',
    );
    expect(w.statusWord('active')).toBe('Active');
    expect(w.statusWord('someday')).toBe('Someday');
  });

  it('phrases a dispute from its values and sources: who said what, the highest first, and what is shown', () => {
    const zelensky: Source = { name: 'Volodymyr Zelensky', kind: 'official', party: 'UA' };
    const dispute = { fact: 'released.RU', shown: 150, values: [{ value: 150, sources: [ruMod] }, { value: 189, sources: [zelensky] }] };
    expect(w.disputeWords(dispute)).toBe('Ukraine said 189; Russia said 150, shown: 150');
    expect(w.factWords('released.RU')).toBe('Released by Russia');
    expect(w.factWords('phase.2.UA')).toBe('Phase 2 released by Ukraine');
    // A source that speaks for no side is named; two sources of one value are joined.
    const withPress = { fact: 'phase.1.UA', shown: 1000, values: [{ value: 1000, sources: [{ name: 'Reuters', kind: 'agency' }, { name: 'AP', kind: 'agency' }] }, { value: 1200, sources: [uaHq] }] };
    expect(w.disputeWords(withPress, (n) => n.toLocaleString('en-GB'))).toBe('Ukraine said 1,200; Reuters and AP said 1,000, shown: 1,000');
  });
});
