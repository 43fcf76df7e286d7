import { afterwardStory, articleStory, BIG_SWAP, DECEMBER_2024_SWAP, ISTANBUL } from '../../../test/fixtures/article.story';
import { eventsOf, recordStory } from '../../../test/fixtures/story.fixture';
import { explainView } from './explain';
import { recorder } from './event.fixture';
import type { NegotiationView } from './negotiation.projection';
import type { RecordedEvent, ReportInput } from './report.schema';
import type { ExchangeView } from './exchange.projection';
import { replay, toView } from './subject.projection';

const article = recordStory(articleStory);
const whole = recordStory([...articleStory, ...afterwardStory]);
const explained = (subject: string, events = whole) => explainView(toView(replay(subject, eventsOf(subject, events))) as ExchangeView, eventsOf(subject, events));
const fact = (subject: string, field: string, events = whole) => explained(subject, events).facts.find((f) => f.field === field)!;

describe('explanations (contract §7.4), on the seed story', () => {
  it("says the swap is under way on the military's word alone, with no official statement, before the sides spoke", () => {
    const status = fact(BIG_SWAP, 'status', article);
    expect(status).toMatchObject({ value: 'underway', level: 'multi-source' });
    expect(status.sentence).toBe('Underway: confirmed by Ukrainian military sources; no official statement from either party.');
    expect(status.evidence.map((e) => [e.eventId, e.role])).toEqual([['article-swap-military-underway', 'supports']]);
  });

  it("names Trump's claim as the only source of 'completed', with the desk's confirmation", () => {
    const reported = fact(BIG_SWAP, 'reportedStatus', article);
    expect(reported).toMatchObject({ value: 'completed', level: 'single-source' });
    expect(reported.sentence).toBe('Completed: reported by Truth Social (claimed); no official statement from either party.');
  });

  it('names both sides once they confirm the first phase, and the retracted claim with its reason', () => {
    const reported = fact(BIG_SWAP, 'reportedStatus');
    expect(reported).toMatchObject({ value: 'underway', level: 'all-parties' });
    expect(reported.sentence).toBe(
      'Underway: reported by Ukrainian military sources (confirmed), Russian Ministry of Defence (RU) (confirmed) and Coordination Headquarters for the Treatment of POWs (UA) (confirmed); official statements from RU and UA. Retracted: Truth Social (Only the first 390-for-390 phase had taken place; neither side said the swap was complete.).',
    );
    expect(reported.evidence.map((e) => [e.eventId, e.role])).toEqual([
      ['article-swap-trump-complete', 'retracted'],
      ['article-swap-military-underway', 'supports'],
      ['after-ru-mod-phase-1', 'supports'],
      ['after-ua-hq-phase-1', 'supports'],
    ]);
  });

  it('lists a retracted report only under the field it counted for: a claim is not evidence of the confirmed status', () => {
    expect(fact(BIG_SWAP, 'status').evidence.map((e) => e.role)).not.toContain('retracted');
    expect(fact(BIG_SWAP, 'status').sentence).not.toContain('Retracted');
  });

  it('explains a disputed figure: the value used, who gave which, and the roles', () => {
    const ru = fact(DECEMBER_2024_SWAP, 'released.RU');
    expect(ru).toMatchObject({ value: 150 });
    expect(ru.sentence).toBe('RU released 150: confirmed by Russian Ministry of Defence (RU). Sources disagree (released.RU); the lowest figure is used.');
    expect(ru.evidence.map((e) => [e.eventId, e.role])).toEqual([
      ['after-december-ru-mod-150', 'supports'],
      ['after-december-zelensky-189', 'disputes'],
    ]);
    const dispute = fact(DECEMBER_2024_SWAP, 'disputes.released.RU');
    expect(dispute.sentence).toBe(
      'released.RU is disputed: 150 by Russian Ministry of Defence (RU); 189 by Office of the President of Ukraine (UA). The lowest, 150, is shown.',
    );
  });

  it('marks an earlier figure from the same source as superseded', () => {
    const events = recordStory([
      afterwardStory[3]!,
      { ...afterwardStory[3]!, id: 'ru-mod-corrects', data: { releasedBy: { RU: 152, UA: 150 } } } as ReportInput,
    ]);
    const ru = fact(DECEMBER_2024_SWAP, 'released.RU', events);
    expect(ru.evidence.map((e) => [e.eventId, e.role])).toEqual([
      ['after-december-ru-mod-150', 'superseded'],
      ['ru-mod-corrects', 'supports'],
    ]);
  });

  it('explains a negotiation status by the report it rests on', () => {
    const status = explainView(toView(replay(ISTANBUL, eventsOf(ISTANBUL, whole))) as never, eventsOf(ISTANBUL, whole)).facts[0]!;
    expect(status).toMatchObject({ field: 'status', value: 'active', sentence: 'Active: round 1 held, as Wire report, 23 May 2025 (confirmed) reported; no status reported since.' });
    expect(status.evidence).toEqual([expect.objectContaining({ eventId: 'article-istanbul-round-1-held', type: 'negotiation.round.held', role: 'supports' })]);
  });

  describe('a negotiation status (contract §7.4)', () => {
    const subject = 'negotiation/explain-test';
    const kremlin = { name: 'Kremlin', kind: 'government', party: 'RU' } as const;
    const reuters = { name: 'Reuters', kind: 'agency' } as const;
    const explain = (events: RecordedEvent[]) => explainView(toView(replay(subject, events)) as NegotiationView, events).facts;

    it('names the source of the latest status report, the earlier one it supersedes and who denied it', () => {
      const r = recorder(subject);
      const held = r('negotiation.round.held', { round: 1, venue: 'Istanbul' }, { source: reuters });
      const stalled = r('negotiation.status.reported', { status: 'stalled' }, { source: reuters, confirmation: 'reported' });
      const collapsed = r('negotiation.status.reported', { status: 'collapsed' }, { source: { name: 'AP', kind: 'agency' } });
      const denial = r('negotiation.status.reported', { status: 'collapsed' }, { source: kremlin, confirmation: 'denied' });
      const [status] = explain([held, stalled, collapsed, denial]);
      expect(status).toMatchObject({ field: 'status', value: 'collapsed' });
      expect(status!.sentence).toBe('Collapsed: reported by AP (confirmed); denied by Kremlin (RU). Earlier: stalled by Reuters (reported).');
      expect(status!.evidence.map((e) => [e.eventId, e.role])).toEqual([
        [stalled.id, 'superseded'],
        [collapsed.id, 'supports'],
        [denial.id, 'denies'],
      ]);
    });

    it('names a retracted status report with the retraction\'s reason, and every held round behind "active"', () => {
      const r = recorder(subject);
      const first = r('negotiation.round.held', { round: 1 }, { source: reuters });
      const second = r('negotiation.round.held', { round: 2 }, { source: kremlin, confirmation: 'claimed' });
      const concluded = r('negotiation.status.reported', { status: 'concluded' }, { source: { name: 'Truth Social', kind: 'social' }, confirmation: 'claimed' });
      const retraction = r('report.retracted', { eventId: concluded.id, reason: 'no deal was signed' });
      const [status] = explain([first, second, concluded, retraction]);
      expect(status).toMatchObject({ value: 'active' });
      expect(status!.sentence).toBe(
        'Active: rounds 1, 2 held, as Reuters (confirmed) and Kremlin (RU) (claimed) reported; no status reported since. Retracted: Truth Social (no deal was signed).',
      );
      expect(status!.evidence.map((e) => [e.eventId, e.role])).toEqual([
        [first.id, 'supports'],
        [second.id, 'supports'],
        [concluded.id, 'retracted'],
      ]);
    });

    it('says a negotiation is scheduled by whoever announced a round, and that none was held', () => {
      const r = recorder(subject);
      const announced = r('negotiation.round.announced', { round: 1, venue: 'Vatican' }, { source: reuters });
      const [status] = explain([announced]);
      expect(status).toMatchObject({ value: 'scheduled', sentence: 'Scheduled: no round reported held; announced by Reuters (confirmed).' });
      expect(status!.evidence.map((e) => [e.eventId, e.role])).toEqual([[announced.id, 'supports']]);
    });

    it('explains each round: where its date comes from, and who reported it at what confirmation', () => {
      const r = recorder(subject);
      const announced = r('negotiation.round.announced', { round: 1, venue: 'Istanbul', scheduledFor: '2025-05-15' }, { source: kremlin, confirmation: 'claimed' });
      const held = r('negotiation.round.held', { round: 1, venue: 'Istanbul' }, { source: reuters, occurredAt: '2025-05-16' });
      const dated = r('negotiation.round.held', { round: 2, date: '2025-06-02' }, { source: reuters, confirmation: 'reported', occurredAt: '2025-06-03' });
      const next = r('negotiation.round.announced', { round: 3, scheduledFor: '2025-07' }, { source: kremlin, confirmation: 'claimed' });
      const facts = explain([announced, held, dated, next]);
      const round = (n: number) => facts.find((f) => f.field === `rounds.${n}`)!;
      expect(round(1)).toMatchObject({
        value: 'held',
        sentence:
          'Round 1 held in Istanbul, according to Reuters (confirmed). No report gives its date; 2025-05-16 is the date of the report by Reuters. Announced by Kremlin (RU) (claimed).',
      });
      expect(round(1).evidence.map((e) => [e.eventId, e.role])).toEqual([[announced.id, 'supports'], [held.id, 'supports']]);
      expect(round(2).sentence).toBe('Round 2 held on 2025-06-02, according to Reuters (reported).');
      expect(round(3)).toMatchObject({ value: 'announced', sentence: 'Round 3 announced, scheduled for 2025-07, according to Kremlin (RU) (claimed).' });
    });

    it("explains a mediator: who proposed, endorsed and rejected it, each with the report's source and confirmation", () => {
      const facts = explainView(toView(replay(ISTANBUL, eventsOf(ISTANBUL, whole))) as NegotiationView, eventsOf(ISTANBUL, whole)).facts;
      const vatican = facts.find((f) => f.field === 'mediation.Vatican')!;
      expect(vatican).toMatchObject({ value: 'reported' });
      expect(vatican.sentence).toBe(
        'Vatican: proposed by Donald Trump according to Donald Trump (reported); endorsed by Giorgia Meloni (IT) according to Italian Government (reported); rejected by Sergei Lavrov (RU) according to Russian Foreign Ministry (reported).',
      );
      expect(vatican.evidence.map((e) => e.eventId)).toEqual(['article-trump-vatican', 'article-meloni-vatican', 'article-lavrov-vatican']);
    });
  });
});
