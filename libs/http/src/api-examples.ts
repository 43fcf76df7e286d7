import type { OpenAPIObject } from '@nestjs/swagger';
import { currentVersionOf, dataschemaOf, explainView, replay, toView, type EventType, type ExchangeView, type NegotiationView, type RecordedEvent, type Report } from '@newsledger/domain';
import { describedEventSchemas, EVENT_TYPE_DESCRIPTIONS, reportWords, STORY, STORY_EXAMPLES } from './story.examples';

type Node = Record<string, any>;

/** The story as the log holds it: the reports with ids, a minute apart from the morning of 23 May 2025. */
function storyEvents(): RecordedEvent[] {
  const order: EventType[] = [
    'negotiation.round.held', 'negotiation.ceasefire.reported', 'exchange.agreed', 'exchange.completed', 'exchange.underway', 'exchange.details.reported',
    'negotiation.round.announced', 'negotiation.document.announced', 'negotiation.position.stated', 'negotiation.mediation.proposed',
    'negotiation.mediation.endorsed', 'negotiation.mediation.rejected', 'exchange.phase.completed', 'report.retracted',
  ];
  const start = Date.parse('2025-05-23T08:00:00.000Z');
  return order.map((type, i) => ({
    ...(STORY_EXAMPLES[type].value as Report),
    recordedAt: new Date(start + i * 60_000).toISOString(),
    ingestor: 'kyiv-desk',
    position: { partition: 0, offset: String(41 + i) },
  }));
}

/** The story's views, explanations and histories, replayed by the domain's own reducers so they cannot drift from what the API answers. */
function storyAnswers() {
  const events = storyEvents();
  const of = (subject: string) => events.filter((e) => e.subject === subject);
  const swap = toView(replay(STORY.swap, of(STORY.swap))) as ExchangeView;
  const talks = toView(replay(STORY.talks, of(STORY.talks))) as NegotiationView;
  const history = (subject: string) => ({
    subject,
    events: of(subject).map((e) => ({
      eventId: e.id, type: e.type, subject: e.subject, occurredAt: e.occurredAt ?? null, recordedAt: e.recordedAt, ingestor: e.ingestor, source: e.source,
      confirmation: e.confirmation, data: e.data, dataschema: dataschemaOf(e.type, currentVersionOf(e.type)), note: e.note ?? null, position: e.position, retracted: swap.retracted[e.id] !== undefined, retractedBy: swap.retracted[e.id]?.by ?? null,
    })),
    nextCursor: null,
  });
  return {
    swap,
    talks: { ...talks, exchanges: [STORY.swap], evidence: { ...talks.evidence, exchanges: { [STORY.swap]: ['article-swap-agreed'] } } },
    explainSwap: explainView(swap, of(STORY.swap)),
    explainTalks: explainView(talks, of(STORY.talks)),
    swapHistory: history(STORY.swap),
    talksHistory: history(STORY.talks),
  };
}

/** The ids the API makes, as it makes them, for the story's desk. */
const KYIV_DESK_KEY = '3f9c2a7d5e1b4c60';
const SUBSCRIPTION_ID = 'sub_5d0c2e9a7b41f3a86e12';
const REBUILD_ID = '9b2f6c1e-4d7a-4e8b-a3c5-1f0e2d3c4b5a';
const VERIFY_ID = '4e7d2b90-1c3a-4f6e-8b5d-7a9c0e1f2d3b';

/** An example for a parameter of `path` by its name; none for cursors, which only the API makes. */
function parameterExample(path: string, name: string): unknown {
  const exchanges = path.startsWith('/v1/exchanges');
  const negotiations = path.startsWith('/v1/negotiations');
  switch (name) {
    case 'id':
      if (exchanges) return STORY.swap.split('/')[1];
      if (negotiations) return STORY.talks.split('/')[1];
      if (path.startsWith('/v1/admin/keys')) return KYIV_DESK_KEY;
      if (path.startsWith('/v1/subscriptions')) return SUBSCRIPTION_ID;
      if (path.startsWith('/v1/admin/rebuild')) return REBUILD_ID;
      if (path.startsWith('/v1/admin/verify')) return VERIFY_ID;
      return undefined;
    case 'type':
      return 'exchange.phase.completed';
    case 'asOf':
      return '2025-05-23T10:00:00Z';
    case 'validAt':
      return '2025-05-23';
    case 'status':
      return negotiations ? ['active'] : ['underway'];
    case 'party':
      return ['UA'];
    case 'q':
      return negotiations ? 'istanbul' : 'swap';
    case 'subject':
      return path.startsWith('/v1/feed') ? [STORY.swap] : STORY.swap;
    case 'kind':
      return ['exchange'];
    case 'field':
      return ['status'];
    case 'from':
      return '2025-05-01T00:00:00Z';
    case 'to':
      return '2025-06-01T00:00:00Z';
    case 'limit':
      return 20;
    default:
      return undefined;
  }
}

/** Request bodies, by `METHOD /path`. */
function bodyExamples(): Record<string, Record<string, { summary: string; value: unknown }>> {
  const byType = Object.fromEntries(Object.entries(STORY_EXAMPLES).map(([type, e]) => [type, e]));
  const batch = (['exchange.agreed', 'exchange.completed', 'exchange.underway', 'exchange.details.reported'] as const).map((t) => STORY_EXAMPLES[t].value);
  return {
    'POST /v1/reports': byType,
    'POST /v1/reports/batch': { article: { summary: 'The swap as the article of 23 May 2025 tells it, in filing order', value: batch } },
    'POST /v1/subscriptions': {
      swap: {
        summary: "A desk's webhook for the swap's status",
        value: { url: 'https://desk.example.org/hooks/newsledger', secret: 'a-long-shared-secret-for-hmac', filter: { subject: [STORY.swap], field: ['status', 'reportedStatus'] } },
      },
    },
    'POST /v1/admin/keys': { desk: { summary: "The Kyiv desk's key: files reports and reads the views", value: { name: 'kyiv-desk', scopes: ['ingest', 'read'] } } },
    'POST /v1/admin/dead-letters/resubmit': {
      corrected: {
        summary: 'The military sources\' report, refused for a misspelt field ("occuredAt"), sent again corrected',
        value: STORY_EXAMPLES['exchange.underway'].value,
      },
    },
    'POST /v1/admin/rebuild': { check: { summary: 'Rebuild, but keep the live views if the new ones differ', value: { abortOnDifference: true } } },
  };
}

/** Answers, by `METHOD /path` and status. */
function responseExamples(): Record<string, Record<string, unknown>> {
  const a = storyAnswers();
  return {
    'POST /v1/reports': { '202': { eventId: 'article-swap-military-underway', subject: STORY.swap, partition: 0, offset: '43', duplicate: false } },
    'GET /v1/exchanges': { '200': { items: [a.swap], nextCursor: null } },
    'GET /v1/negotiations': { '200': { items: [a.talks], nextCursor: null } },
    'GET /v1/exchanges/{id}': { '200': a.swap },
    'GET /v1/negotiations/{id}': { '200': a.talks },
    'GET /v1/exchanges/{id}/explain': { '200': a.explainSwap },
    'GET /v1/negotiations/{id}/explain': { '200': a.explainTalks },
    'GET /v1/exchanges/{id}/history': { '200': a.swapHistory },
    'GET /v1/negotiations/{id}/history': { '200': a.talksHistory },
    'GET /v1/schemas': { '200': { schemas: { 'exchange.phase.completed': describedEventSchemas()['exchange.phase.completed'] }, ...reportWords() } },
    'GET /v1/admin/keys': {
      '200': { keys: [{ id: KYIV_DESK_KEY, name: 'kyiv-desk', scopes: ['ingest', 'read'], subjectKinds: null, createdAt: '2025-05-23T07:55:00.000Z', revokedAt: null }] },
    },
    'GET /v1/subscriptions': {
      '200': {
        subscriptions: [
          { id: SUBSCRIPTION_ID, url: 'https://desk.example.org/hooks/newsledger', filter: { subject: [STORY.swap], field: ['status', 'reportedStatus'] }, owner: KYIV_DESK_KEY, createdAt: '2025-05-23T08:10:00.000Z', status: 'active' },
        ],
      },
    },
    'GET /v1/admin/rebuild': {
      '200': {
        rebuilds: [{ id: REBUILD_ID, status: 'running', phase: 'building', progress: { applied: 14, target: 21, percent: 66.7 }, startedAt: '2025-05-23T12:00:00.000Z', updatedAt: '2025-05-23T12:00:02.000Z', finishedAt: null }],
      },
    },
    'GET /v1/admin/verify': {
      '200': {
        verifications: [
          { id: VERIFY_ID, kind: 'verify', status: 'done', phase: 'done', progress: { applied: 21, target: 21, percent: 100 }, worker: 'projector-1', attempts: 1, startedAt: '2025-05-23T12:05:00.000Z', updatedAt: '2025-05-23T12:05:01.000Z', finishedAt: '2025-05-23T12:05:01.000Z', report: { ok: true, differences: [] }, error: null, errorCode: null },
        ],
      },
    },
    'GET /health': { '200': { status: 'ok', info: { postgres: { status: 'up' }, kafka: { status: 'up' } }, error: {}, details: { postgres: { status: 'up' }, kafka: { status: 'up' } } } },
    'GET /metrics': {
      '200': '# HELP newsledger_reports_total Reports received, by type and result\n# TYPE newsledger_reports_total counter\nnewsledger_reports_total{type="exchange.phase.completed",result="accepted"} 2\n',
    },
  };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * Gives the document the story's examples: each event type's schema its description and report,
 * each parameter a value, each request body the story's reports, and the reads the story's
 * answers, so Swagger's "Try it out" starts from a real report. Examples already declared stay.
 */
export function addStoryExamples(doc: OpenAPIObject): void {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Node>;
  for (const type of Object.keys(STORY_EXAMPLES) as EventType[]) {
    const schema = schemas[type];
    if (!schema) continue;
    schema.description ??= EVENT_TYPE_DESCRIPTIONS[type];
    schema.examples ??= [STORY_EXAMPLES[type].value];
  }
  const bodies = bodyExamples();
  let answers: ReturnType<typeof responseExamples> | undefined;
  for (const [path, item] of Object.entries(doc.paths as Record<string, Node>)) {
    for (const method of METHODS) {
      const op = item[method] as Node | undefined;
      if (!op) continue;
      const route = `${method.toUpperCase()} ${path}`;
      for (const p of (op.parameters ?? []) as Node[]) {
        if (p.example !== undefined || p.examples !== undefined) continue;
        const example = parameterExample(path, p.name as string);
        if (example !== undefined) p.example = example;
      }
      const content = op.requestBody?.content as Record<string, Node> | undefined;
      if (content && bodies[route]) {
        for (const [type, media] of Object.entries(content)) {
          if (type === 'application/x-ndjson') {
            const lines = (Object.values(bodies[route])[0].value as unknown[]).map((r) => JSON.stringify(r)).join('\n');
            media.example ??= `${lines}\n`;
          } else media.examples ??= bodies[route];
        }
      }
      answers ??= responseExamples();
      for (const [status, example] of Object.entries(answers[route] ?? {})) {
        const content = (op.responses?.[status]?.content ?? {}) as Record<string, Node>;
        const media = content['application/json'] ?? Object.values(content)[0];
        if (media && media.example === undefined && media.examples === undefined) media.example = example;
      }
    }
  }
}
