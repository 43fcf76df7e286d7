import { CONFIRMATIONS, EVENT_TYPES, eventJsonSchemas, SOURCE_KINDS, validateReport } from '@newsledger/domain';
import { CONFIRMATION_MEANINGS, describedEventSchemas, EVENT_TYPE_DESCRIPTIONS, reportWords, STORY_EXAMPLES } from './story.examples';

describe("the API documents' examples", () => {
  it('give every event type a report the server would accept, of that type', () => {
    for (const type of EVENT_TYPES) {
      const example = STORY_EXAMPLES[type];
      expect({ type, summary: typeof example?.summary, sameType: example?.value.type }).toEqual({ type, summary: 'string', sameType: type });
      const result = validateReport(example.value);
      expect({ type, issues: result.ok ? [] : result.issues }).toEqual({ type, issues: [] });
    }
  });

  it('describe each event type and serve its schema with its description and example, the rules unchanged', () => {
    const described = describedEventSchemas();
    const plain = eventJsonSchemas() as Record<string, Record<string, unknown>>;
    for (const type of EVENT_TYPES) {
      expect(EVENT_TYPE_DESCRIPTIONS[type].length).toBeGreaterThan(20);
      const { description, examples, ...rules } = described[type];
      expect({ type, description, examples }).toEqual({ type, description: EVENT_TYPE_DESCRIPTIONS[type], examples: [STORY_EXAMPLES[type].value] });
      const { description: _d, ...plainRules } = plain[type];
      expect({ type, rules }).toEqual({ type, rules: plainRules });
    }
  });

  it('say what each confirmation word and source kind means', () => {
    const words = reportWords();
    expect(Object.keys(words.confirmations)).toEqual([...CONFIRMATIONS]);
    expect(Object.keys(words.sourceKinds)).toEqual([...SOURCE_KINDS]);
    for (const c of CONFIRMATIONS) expect(CONFIRMATION_MEANINGS[c].length).toBeGreaterThan(20);
    expect(words.confirmations.confirmed).toContain('`status`');
  });
});
