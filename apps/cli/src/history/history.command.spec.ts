import type { HistoryEntry } from '@newsledger/client';
import { currentVersionOf, dataschemaOf } from '@newsledger/domain';
import { afterwardStory, articleStory, BIG_SWAP } from '../../../../test/fixtures/article.story';
import { eventsOf, recordStory } from '../../../../test/fixtures/story.fixture';
import { formatHistory, whatItSays } from './history.command';

const recorded = recordStory([...articleStory, ...afterwardStory]);
const retracted: Record<string, string> = { 'article-swap-trump-complete': 'after-trump-retracted' };
const events = eventsOf(BIG_SWAP, recorded);
const entries: HistoryEntry[] = events.map((e) => ({
  eventId: e.id,
  type: e.type,
  subject: e.subject,
  occurredAt: e.occurredAt ?? null,
  recordedAt: e.recordedAt,
  ingestor: e.ingestor,
  source: e.source,
  confirmation: e.confirmation,
  data: e.data as Record<string, unknown>,
  dataschema: dataschemaOf(e.type, currentVersionOf(e.type)),
  note: e.note ?? null,
  position: e.position,
  retracted: retracted[e.id] !== undefined,
  retractedBy: retracted[e.id] ?? null,
  retraction: retractionOf(retracted[e.id]),
}));

/** The retraction as the history endpoint names it beside the event it withdrew. */
function retractionOf(id: string | undefined): HistoryEntry['retraction'] {
  const r = events.find((e) => e.id === id);
  return r ? { eventId: r.id, recordedAt: r.recordedAt, source: r.source, reason: String((r.data as { reason: string }).reason) } : null;
}

describe('history', () => {
  const text = formatHistory({ subject: BIG_SWAP, events: entries });

  it('prints what each report says, figures first', () => {
    expect(text).toContain('    released UA 1000, RU 1000; parties UA, RU; negotiation negotiation/ua-ru-istanbul-2025');
    expect(text).toContain('    phase 1: UA 390, RU 390; date 2025-05-23');
    expect(text).toContain('    location “Ukraine–Belarus border”; expectedDays 3');
    expect(whatItSays({ type: 'exchange.completed', data: {} })).toBe('');
  });

  it('prints the speaker with the source and the confirmation of each report', () => {
    expect(text).toMatch(/ {2}exchange\.completed +claimed {6}Truth Social \(social, speaker Donald Trump\) {2}by story-desk {2}article-swap-trump-complete$/m);
    expect(text).toMatch(/ {2}exchange\.phase\.completed +confirmed {4}Russian Ministry of Defence \(official RU\) /m);
  });

  it('says who withdrew a retracted report and why, under it, and what the retraction withdraws', () => {
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.endsWith('article-swap-trump-complete'));
    expect(lines.slice(at + 1, at + 5)).toContain(
      '    retracted by after-trump-retracted (Wire report, 23 May 2025): “Only the first 390-for-390 phase had taken place; neither side said the swap was complete.”',
    );
    expect(text).toContain('    withdraws article-swap-trump-complete: “Only the first 390-for-390 phase had taken place; neither side said the swap was complete.”');
  });

  it('says why on a page without the retraction itself', () => {
    const page = formatHistory({ subject: BIG_SWAP, events: entries.filter((e) => e.type !== 'report.retracted') });
    expect(page).toContain('    retracted by after-trump-retracted (Wire report, 23 May 2025): “Only the first 390-for-390 phase had taken place');
  });
});
