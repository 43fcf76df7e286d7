import { explainView, replay, toView, type ExchangeView } from '@newsledger/domain';
import { afterwardStory, articleStory, BIG_SWAP, DECEMBER_2024_SWAP } from '../../../../test/fixtures/article.story';
import { eventsOf, recordStory } from '../../../../test/fixtures/story.fixture';
import { formatExplanation } from './explain.command';

const recorded = recordStory([...articleStory, ...afterwardStory]);
const explained = (subject: string) => {
  const events = eventsOf(subject, recorded);
  return explainView(toView(replay(subject, events)) as ExchangeView, events);
};

describe('explain', () => {
  it('prints each fact with its sentence, then the reports behind it with their role, confirmation, source and time', () => {
    const text = formatExplanation(explained(BIG_SWAP), { asOf: '2025-06-01T00:00:00.000Z' });
    const lines = text.split('\n');
    expect(lines[0]).toBe(`${BIG_SWAP}  (as of 2025-06-01T00:00:00.000Z)`);
    const status = explained(BIG_SWAP).facts.find((f) => f.field === 'status')!;
    expect(lines).toContain(`status  ${status.sentence}`);
    expect(text).toMatch(/^ {2}supports {2}exchange\.phase\.completed {2}confirmed {3}Russian Ministry of Defence, official RU$/m);
    expect(text).toMatch(/^ {12}occurred 2025-05-23, recorded \S+ {2}after-ru-mod-phase-1$/m);
    // Trump's withdrawn claim is evidence too, marked as such.
    expect(text).toMatch(/^ {2}retracted {2}exchange\.completed +claimed {5}Truth Social \(Donald Trump\), social$/m);
  });

  it('prints a dispute with the report that gives each figure', () => {
    const explanation = explained(DECEMBER_2024_SWAP);
    const text = formatExplanation(explanation);
    const dispute = explanation.facts.find((f) => f.field === 'disputes.released.RU')!;
    expect(text).toContain(`disputes.released.RU  ${dispute.sentence}`);
    expect(text).toMatch(/^ {2}disputes +exchange\.completed {2}confirmed {3}Office of the President of Ukraine \(Volodymyr Zelensky\), official UA$/m);
  });
});
