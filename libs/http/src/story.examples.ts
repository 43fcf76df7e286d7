import { CONFIRMATIONS, eventJsonSchemas, SOURCE_KINDS, type Confirmation, type EventType, type ReportInput, type SourceKind } from '@newsledger/domain';

/**
 * The API documents' examples, from the story of the wire report of 23 May 2025 on the Ukraine–Russia
 * prisoner swap (the article the project is built around), so Swagger's "Try it out" starts from a
 * real report. Where the article has no report of a type, the example says so and keeps to its subjects.
 */

/** The story's subjects. */
export const STORY = {
  swap: 'exchange/ua-ru-2025-05-1000',
  aprilSwap: 'exchange/ua-ru-2025-04-uae-492',
  decemberSwap: 'exchange/ua-ru-2024-12-30',
  talks: 'negotiation/ua-ru-istanbul-2025',
} as const;

const wire = { name: 'Wire report, 23 May 2025', kind: 'media' } as const;
const lavrov = { name: 'Russian Foreign Ministry', kind: 'official', party: 'RU', speaker: 'Sergei Lavrov' } as const;
const ruMod = { name: 'Russian Ministry of Defence', kind: 'official', party: 'RU' } as const;
const zelensky = { name: 'Office of the President of Ukraine', kind: 'official', party: 'UA', speaker: 'Volodymyr Zelensky' } as const;

/** What each event type records, in a sentence (served with its schema at `/v1/schemas`). */
export const EVENT_TYPE_DESCRIPTIONS: Record<EventType, string> = {
  'exchange.proposed': 'A source says an exchange was proposed: who would take part and, if given, how many each side would release.',
  'exchange.agreed': 'A source says the parties agreed an exchange; `releasedBy` gives how many prisoners each side releases, `negotiation` the talks it came out of.',
  'exchange.underway': 'A source says the exchange has begun; where and for how many days, when known.',
  'exchange.phase.completed': 'A source says one phase of the exchange took place, with how many each side released in it.',
  'exchange.completed': 'A source says the whole exchange took place; `releasedBy`, when given, are the totals.',
  'exchange.suspended': 'A source says the exchange is paused; a later report of it under way or completed moves it on.',
  'exchange.cancelled': 'A source says the exchange was called off; a later report of it under way or completed moves it on.',
  'exchange.details.reported': 'A source gives details without a change of status: where, who mediates, how many days.',
  'exchange.described': 'The newsroom\'s headline (and summary) for the exchange, shown in lists and searched by `q`.',
  'negotiation.round.announced': 'A source says a round of talks will take place: its number, where, when, on what.',
  'negotiation.round.held': 'A source says a round took place: where, when, at what level, with what outcome.',
  'negotiation.mediation.proposed': 'Someone proposed a mediator for the talks.',
  'negotiation.mediation.endorsed': 'Someone backed a proposed mediator.',
  'negotiation.mediation.rejected': 'Someone turned a proposed mediator down.',
  'negotiation.position.stated': 'A party\'s position, in a speaker\'s words as reported.',
  'negotiation.document.announced': 'A party announced a document for the talks (a memorandum, a draft).',
  'negotiation.ceasefire.reported': 'What a source says of a ceasefire: none, proposed, agreed, in force, violated, collapsed.',
  'negotiation.status.reported': 'A source says the talks stalled, collapsed, concluded or resumed.',
  'negotiation.described': 'The newsroom\'s headline (and summary) for the talks, shown in lists and searched by `q`.',
  'report.retracted': 'The newsroom withdraws an earlier report of the same subject, saying why; views then read as if it had never been filed. It stays in the history, marked.',
};

/** What each confirmation word means (contract §1, and what each counts for: libs/domain confirmation.ts). */
export const CONFIRMATION_MEANINGS: Record<Confirmation, string> = {
  confirmed:
    'The desk holds it for established (an official statement, or a source the desk trusts on this). The only word that counts for an exchange\'s `status`, `released` figures and disputes.',
  reported: 'A credible outlet or party said it; the desk has not established it. Counts for `reportedStatus`, `claims` and every negotiation field, not for `status`.',
  claimed: 'Someone asserted it without support ("Trump said on Truth Social the swap was complete"). Counts as `reported` does, shown as a claim.',
  unconfirmed: 'Talk the desk could not pin down ("unconfirmed reports suggest three days across the Belarus border"). Counts as `reported` does, at the weakest.',
  denied: 'A source says it did not happen. Listed in `claims` and counts for nothing else; a denial of an exchange stage contests it on the corroboration ladder.',
};

/** What each source kind is (contract §1; `official` and `government` speak for their `party`). */
export const SOURCE_KIND_MEANINGS: Record<SourceKind, string> = {
  official: 'A head of state, ministry or spokesperson; with `party`, an official statement of that side.',
  military: 'Military sources of a side: they speak about it, not for it.',
  government: 'A government body (a coordination headquarters, an ombudsman); with `party`, an official statement of that side.',
  agency: 'A news agency (Reuters, AP, TASS).',
  media: 'A newspaper, broadcaster or the newsroom\'s own reporting.',
  social: 'A social-media post (Truth Social, Telegram).',
  unnamed: 'Sources the report does not name ("unconfirmed reports", "people familiar").',
};

/** One realistic report of each event type, with a line saying where in the story it comes from. */
export const STORY_EXAMPLES: Record<EventType, { summary: string; value: ReportInput }> = {
  'exchange.proposed': {
    summary: 'Not in the article: Kyiv proposing the 1,000-for-1,000 swap at Istanbul',
    value: { type: 'exchange.proposed', subject: STORY.swap, occurredAt: '2025-05-16', source: zelensky, confirmation: 'reported', data: { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } } },
  },
  'exchange.agreed': {
    summary: 'Both countries agree to exchange 1,000 prisoners of war each, at the Istanbul talks',
    value: {
      id: 'article-swap-agreed', type: 'exchange.agreed', subject: STORY.swap, occurredAt: '2025-05-16', source: wire, confirmation: 'confirmed',
      data: { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 }, negotiation: STORY.talks },
    },
  },
  'exchange.underway': {
    summary: 'Ukrainian military sources confirm the process is under way',
    value: { id: 'article-swap-military-underway', type: 'exchange.underway', subject: STORY.swap, occurredAt: '2025-05-23', source: { name: 'Ukrainian military sources', kind: 'military' }, confirmation: 'confirmed', data: {}, note: 'Details remain scarce.' },
  },
  'exchange.phase.completed': {
    summary: "Russia's Ministry of Defence: the first phase, 390 for 390, on 23 May",
    value: { id: 'after-ru-mod-phase-1', type: 'exchange.phase.completed', subject: STORY.swap, occurredAt: '2025-05-23', source: ruMod, confirmation: 'confirmed', data: { phase: 1, releasedBy: { UA: 390, RU: 390 }, date: '2025-05-23' } },
  },
  'exchange.completed': {
    summary: 'Trump claims on Truth Social that the swap is complete; no official confirmation from either side',
    value: {
      id: 'article-swap-trump-complete', type: 'exchange.completed', subject: STORY.swap, occurredAt: '2025-05-23', source: { name: 'Truth Social', kind: 'social', speaker: 'Donald Trump' }, confirmation: 'claimed', data: {},
      note: '"this could lead to something big???" — no official confirmation from either side.',
    },
  },
  'exchange.suspended': {
    summary: 'Not in the article: how a pause of the swap would be filed',
    value: { type: 'exchange.suspended', subject: STORY.swap, occurredAt: '2025-05-24', source: { name: 'Unconfirmed reports', kind: 'unnamed' }, confirmation: 'unconfirmed', data: { reason: 'Buses held at the Belarus border while the lists are checked' } },
  },
  'exchange.cancelled': {
    summary: 'Not in the article: how a called-off swap would be filed',
    value: { type: 'exchange.cancelled', subject: STORY.swap, occurredAt: '2025-05-24', source: ruMod, confirmation: 'denied', data: { reason: 'Reports of a cancellation, denied by the ministry' } },
  },
  'exchange.details.reported': {
    summary: 'Unconfirmed reports: over three days across the Ukrainian border with Belarus',
    value: { id: 'article-swap-belarus-border', type: 'exchange.details.reported', subject: STORY.swap, source: { name: 'Unconfirmed reports', kind: 'unnamed' }, confirmation: 'unconfirmed', data: { location: 'Ukraine–Belarus border', expectedDays: 3 } },
  },
  'exchange.described': {
    summary: "The desk's headline for the swap",
    value: {
      type: 'exchange.described', subject: STORY.swap, source: wire, confirmation: 'confirmed',
      data: { title: 'Ukraine and Russia swap 1,000 prisoners each', summary: 'One of the largest exchanges of the war, agreed at the Istanbul talks; Trump called it complete before either side confirmed it.' },
    },
  },
  'negotiation.round.announced': {
    summary: 'Lavrov: a second round, where Moscow will present a memorandum',
    value: { id: 'article-lavrov-round-2', type: 'negotiation.round.announced', subject: STORY.talks, occurredAt: '2025-05-23', source: lavrov, confirmation: 'reported', data: { round: 2, agenda: ['Moscow to present a memorandum to the Ukrainian side'] } },
  },
  'negotiation.round.held': {
    summary: 'Low-level delegations meet in Istanbul, the first time since March 2022',
    value: {
      id: 'article-istanbul-round-1-held', type: 'negotiation.round.held', subject: STORY.talks, occurredAt: '2025-05-16', source: wire, confirmation: 'confirmed',
      data: { round: 1, venue: 'Istanbul', date: '2025-05-16', delegationLevel: 'low-level', outcome: 'No progress towards a ceasefire; a 1,000-for-1,000 prisoner exchange agreed', parties: ['UA', 'RU'] },
      note: 'First direct talks since March 2022.',
    },
  },
  'negotiation.mediation.proposed': {
    summary: 'Trump suggests the Vatican might mediate',
    value: { id: 'article-trump-vatican', type: 'negotiation.mediation.proposed', subject: STORY.talks, occurredAt: '2025-05', source: { name: 'Donald Trump', kind: 'official', party: 'US', speaker: 'Donald Trump' }, confirmation: 'reported', data: { mediator: 'Vatican', by: 'Donald Trump' } },
  },
  'negotiation.mediation.endorsed': {
    summary: "Italy's Prime Minister Giorgia Meloni backs the Vatican",
    value: { id: 'article-meloni-vatican', type: 'negotiation.mediation.endorsed', subject: STORY.talks, occurredAt: '2025-05', source: { name: 'Italian Government', kind: 'government', party: 'IT', speaker: 'Giorgia Meloni' }, confirmation: 'reported', data: { mediator: 'Vatican', by: 'Giorgia Meloni', party: 'IT' } },
  },
  'negotiation.mediation.rejected': {
    summary: 'Lavrov dismisses it as "not a very realistic option"',
    value: { id: 'article-lavrov-vatican', type: 'negotiation.mediation.rejected', subject: STORY.talks, occurredAt: '2025-05-23', source: lavrov, confirmation: 'reported', data: { mediator: 'Vatican', by: 'Sergei Lavrov', party: 'RU' }, note: 'Dismissed as “not a very realistic option”.' },
  },
  'negotiation.position.stated': {
    summary: 'Lavrov: first a deal, then Russia will decide; Zelensky "does not have legitimacy"',
    value: {
      id: 'article-lavrov-legitimacy', type: 'negotiation.position.stated', subject: STORY.talks, occurredAt: '2025-05-23', source: lavrov, confirmation: 'confirmed',
      data: {
        party: 'RU', speaker: 'Sergei Lavrov', topic: 'peace agreement',
        quote: 'First, we need to have a deal. And when it’s agreed, then we will decide. But, as President Putin has said many times, President Zelensky does not have legitimacy.',
      },
    },
  },
  'negotiation.document.announced': {
    summary: 'Moscow will present a "memorandum" at the second round',
    value: { id: 'article-lavrov-memorandum', type: 'negotiation.document.announced', subject: STORY.talks, occurredAt: '2025-05-23', source: lavrov, confirmation: 'reported', data: { title: 'Memorandum', by: 'RU', round: 2 } },
  },
  'negotiation.ceasefire.reported': {
    summary: 'The Istanbul talks yield no progress towards a ceasefire',
    value: { id: 'article-istanbul-no-ceasefire', type: 'negotiation.ceasefire.reported', subject: STORY.talks, occurredAt: '2025-05-16', source: wire, confirmation: 'confirmed', data: { status: 'none' } },
  },
  'negotiation.status.reported': {
    summary: 'Zelensky accuses Trump of "trying to buy time": the talks, as Kyiv saw them, stalled',
    value: { type: 'negotiation.status.reported', subject: STORY.talks, occurredAt: '2025-05', source: zelensky, confirmation: 'claimed', data: { status: 'stalled' }, note: 'Read from Zelensky accusing Trump of “trying to buy time” to continue the war.' },
  },
  'negotiation.described': {
    summary: "The desk's headline for the talks",
    value: {
      type: 'negotiation.described', subject: STORY.talks, source: wire, confirmation: 'confirmed',
      data: { title: 'Ukraine–Russia talks in Istanbul', summary: 'Low-level delegations met on 16 May 2025 for the first time since March 2022; a prisoner swap, no ceasefire.' },
    },
  },
  'report.retracted': {
    summary: "Trump's claim withdrawn: only the first phase had taken place",
    value: {
      id: 'after-trump-retracted', type: 'report.retracted', subject: STORY.swap, source: wire, confirmation: 'confirmed',
      data: { eventId: 'article-swap-trump-complete', reason: 'Only the first 390-for-390 phase had taken place; neither side said the swap was complete.' },
    },
  },
};

/**
 * The JSON Schema of a report of each event type as `/v1/schemas` and the API documents serve it:
 * the domain's schema with what the type records (`description`) and a report of it from the story
 * (`examples`).
 */
export function describedEventSchemas(): Record<EventType, Record<string, unknown>> {
  const schemas = eventJsonSchemas() as Record<EventType, Record<string, unknown>>;
  for (const [type, schema] of Object.entries(schemas) as [EventType, Record<string, unknown>][]) {
    schema.description = EVENT_TYPE_DESCRIPTIONS[type];
    schema.examples = [STORY_EXAMPLES[type].value];
  }
  return schemas;
}

/** The words of a report explained, beside the schemas at `/v1/schemas`. */
export function reportWords(): { confirmations: Record<Confirmation, string>; sourceKinds: Record<SourceKind, string> } {
  return {
    confirmations: Object.fromEntries(CONFIRMATIONS.map((c) => [c, CONFIRMATION_MEANINGS[c]])) as Record<Confirmation, string>,
    sourceKinds: Object.fromEntries(SOURCE_KINDS.map((k) => [k, SOURCE_KIND_MEANINGS[k]])) as Record<SourceKind, string>,
  };
}
