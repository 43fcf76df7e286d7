import { currentVersionOf, EVENT_TYPES, eventJsonSchemaIn, SUBJECT_PATTERN } from '@newsledger/domain';
import { cloudEventJsonSchemas, earlierCloudEventJsonSchemas } from './cloud-event.mapper';
import { DEAD_LETTER_HEADERS, deadLetterJsonSchema } from './dead-letter.message';
import { deskTopics } from './desk-topics';
import { inboundRejectionJsonSchema } from './inbound.message';
import { STATUS_CHANGE_HEADERS, statusChangeJsonSchema } from './status-change.message';

/** Where the document says the topics are: the configuration's defaults when generating docs/asyncapi.yaml. */
export interface AsyncApiSettings {
  brokers: readonly string[];
  topics: { events: string; statusChanges: string; dlq: string };
  eventsPartitions: number;
  /** `INBOUND_TOPIC_PREFIX`: desks' inbound topics are `<prefix><desk>`. */
  inboundPrefix: string;
}

const KAFKA_BINDING = '0.5.0';
/** How `ensureTopics` creates every topic. */
const KEPT_FOREVER = { 'cleanup.policy': ['delete'], 'retention.ms': -1, 'retention.bytes': -1 };

const subjectKey = (why: string) => ({
  kafka: { key: { type: 'string', pattern: SUBJECT_PATTERN.source, description: `The subject: ${why}` }, bindingVersion: KAFKA_BINDING },
});

const ref = (pointer: string) => ({ $ref: pointer });

/**
 * The AsyncAPI 3.0 document of newsledger's Kafka topics, built from the code: the CloudEvent schema
 * of every event type, the status-change and dead-letter schemas, their keys and headers.
 * `npm run docs:asyncapi` writes it to docs/asyncapi.yaml; a unit test fails when that file is stale.
 */
export function asyncApiDocument(s: AsyncApiSettings): Record<string, unknown> {
  const events = cloudEventJsonSchemas();
  const message = (name: string, summary: string, payload: Record<string, unknown>) => ({
    name,
    title: name,
    summary,
    contentType: 'application/cloudevents+json',
    payload,
    bindings: subjectKey("one subject's events stay in order on one partition"),
  });
  // Each earlier version of a type is a message of its own, `<type>.v<n>`: the log holds them for good.
  const eventMessages = Object.fromEntries([
    ...EVENT_TYPES.map((type) => [type, message(type, `A report of type \`${type}\`, as a CloudEvents 1.0 message in structured JSON mode`, events[type])]),
    ...earlierCloudEventJsonSchemas().map(({ type, version, schema }) => [
      `${type}.v${version}`,
      message(`${type}.v${version}`, `A report of type \`${type}\` in version ${version} of its data (deprecated): read for good, upcast to the current version`, schema),
    ]),
  ]);
  const eventMessageNames = Object.keys(eventMessages);
  const headerProperty = (description: string, pattern?: string) => ({ type: 'string', description, ...(pattern ? { pattern } : {}) });
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'newsledger event log',
      version: '1.0.0',
      description: [
        'The Kafka topics of newsledger (contract v1). Every report is one event on the events topic, the source of truth, kept forever;',
        'the projector turns them into views and publishes every change of a view\'s status on the status-changes topic.',
        'Desks given a Kafka login publish their reports to inbound topics of their own, which the ingest API admits onto the events topic as it admits HTTP reports.',
        'Topic names are the defaults; each is configurable (EVENTS_TOPIC, STATUS_CHANGES_TOPIC, DLQ_TOPIC, INBOUND_TOPIC_PREFIX).',
        'Generated from the code by `npm run docs:asyncapi`: do not edit by hand.',
      ].join(' '),
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: s.brokers[0],
        protocol: 'kafka',
        description: 'KAFKA_BROKERS (`npm start` brings up a single-node broker here). SASL/SCRAM-SHA-512 logins only, and ACLs on every request (see the README).',
        security: [ref('#/components/securitySchemes/scram')],
      },
    },
    channels: {
      events: {
        address: s.topics.events,
        title: 'Events',
        description:
          'Every report as a CloudEvent keyed by subject. Written by the ingest API alone (ingestors send their reports over HTTP, or to their inbound topic): no other Kafka user is ' +
          'granted Write, unless a deployment names direct publishers (KAFKA_DIRECT_PUBLISHERS), whose messages are validated like HTTP reports but name their own ingestor. ' +
          "A message's `dataschema` names the version of its type its data is in (absent: version 1); every version stays readable, an earlier one upcast to the current one when read. " +
          `Created with ${s.eventsPartitions} partitions (EVENTS_PARTITIONS) and kept forever. ` +
          'Its timestamps are the broker\'s (`message.timestamp.type=LogAppendTime`): an event\'s recordedAt is when the log appended it, whatever the message\'s `time` says.',
        messages: Object.fromEntries(eventMessageNames.map((name) => [name, ref(`#/components/messages/${name}`)])),
        bindings: { kafka: { partitions: s.eventsPartitions, replicas: 1, topicConfiguration: KEPT_FOREVER, bindingVersion: KAFKA_BINDING } },
      },
      deskInbound: {
        address: deskTopics(s.inboundPrefix, '{desk}').inbound,
        title: "A desk's inbound topic",
        description:
          'Where a desk with a Kafka login (a key made with `keys create --kafka` or `"kafka": true`) publishes its reports; only its Kafka user `desk.<desk>` may write it. ' +
          'A message is a report as the body of `POST /v1/reports`, or a CloudEvent as on the events topic, keyed by subject. The ingest API admits each one exactly as it admits an HTTP report ' +
          "(validation, the id's claim, the key's subject kinds) and appends it to the events topic written by the desk (its `ingestor` is the key's name, whatever a CloudEvent's `source` says) " +
          'at the time the log appends it (a `time` is ignored). A report without an id gets `kafka.<key id>.<partition>.<offset>`, so a message read twice is recorded once. ' +
          'Offsets are committed once the report is on the events topic or refused. 3 partitions, kept 7 days.',
        parameters: { desk: { description: 'The name of the desk\'s key' } },
        messages: { report: ref('#/components/messages/inboundReport'), ...Object.fromEntries(EVENT_TYPES.map((type) => [type, ref(`#/components/messages/${type}`)])) },
        bindings: { kafka: { partitions: 3, replicas: 1, bindingVersion: KAFKA_BINDING } },
      },
      deskRejections: {
        address: deskTopics(s.inboundPrefix, '{desk}').rejections,
        title: "A desk's rejections",
        description:
          "What the ingest API refused of a desk's inbound topic, with the error an HTTP report would get, in the desk's own topic: only the desk (in consumer groups starting `desk.<desk>.`) may read it. " +
          'A refused message is not on the events topic. One partition, kept 7 days.',
        parameters: { desk: { description: 'The name of the desk\'s key' } },
        messages: { inboundRejection: ref('#/components/messages/inboundRejection') },
        bindings: { kafka: { partitions: 1, replicas: 1, bindingVersion: KAFKA_BINDING } },
      },
      deadLetters: {
        address: s.topics.dlq,
        title: 'Dead letters',
        description: 'Messages of the events topic the projector could not accept (not a CloudEvent, invalid report, unknown retraction target), with the reason. One partition.',
        messages: { deadLetter: ref('#/components/messages/deadLetter') },
        bindings: { kafka: { partitions: 1, replicas: 1, topicConfiguration: KEPT_FOREVER, bindingVersion: KAFKA_BINDING } },
      },
      statusChanges: {
        address: s.topics.statusChanges,
        title: 'Status changes',
        description:
          "Every change of a view's status or reportedStatus, in one total order (one partition), at least once: a re-sent change has the same id and position.",
        messages: { statusChange: ref('#/components/messages/statusChange') },
        bindings: { kafka: { partitions: 1, replicas: 1, topicConfiguration: KEPT_FOREVER, bindingVersion: KAFKA_BINDING } },
      },
    },
    operations: {
      appendEvent: {
        action: 'send',
        channel: ref('#/channels/events'),
        summary: 'The ingest API appends each report it accepts (acks from all in-sync replicas)',
        messages: eventMessageNames.map((name) => ref(`#/channels/events/messages/${name}`)),
      },
      projectEvents: {
        action: 'receive',
        channel: ref('#/channels/events'),
        summary: 'The projector consumes every message and projects it into the views',
        messages: eventMessageNames.map((name) => ref(`#/channels/events/messages/${name}`)),
      },
      publishToInbound: {
        action: 'receive',
        channel: ref('#/channels/deskInbound'),
        summary: "The ingest API admits each report a desk publishes, onto the events topic, or refuses it to the desk's rejections topic",
        messages: [ref('#/channels/deskInbound/messages/report'), ...EVENT_TYPES.map((type) => ref(`#/channels/deskInbound/messages/${type}`))],
      },
      refuseInbound: {
        action: 'send',
        channel: ref('#/channels/deskRejections'),
        summary: 'The ingest API puts what it refused of a desk on the desk\'s rejections topic',
        messages: [ref('#/channels/deskRejections/messages/inboundRejection')],
      },
      deadLetter: {
        action: 'send',
        channel: ref('#/channels/deadLetters'),
        summary: 'The projector dead-letters what it cannot accept',
        messages: [ref('#/channels/deadLetters/messages/deadLetter')],
      },
      publishStatusChange: {
        action: 'send',
        channel: ref('#/channels/statusChanges'),
        summary: 'The projector\'s outbox relay publishes each status change, in feed order',
        messages: [ref('#/channels/statusChanges/messages/statusChange')],
      },
    },
    components: {
      securitySchemes: {
        scram: { type: 'scramSha512', description: 'Each app logs in as its own Kafka user; `newsledger kafka-access` grants each one only what it needs. A desk logs in as `desk.<desk>`, made with its key.' },
      },
      messages: {
        ...eventMessages,
        inboundReport: {
          name: 'inboundReport',
          title: 'Report (as over HTTP)',
          summary: "A desk's report, as the body of `POST /v1/reports`: one of the event types, in its current version",
          contentType: 'application/json',
          payload: { oneOf: EVENT_TYPES.map((type) => eventJsonSchemaIn(type, currentVersionOf(type))) },
          bindings: subjectKey("one subject's reports stay in order on one partition"),
        },
        inboundRejection: {
          name: 'inboundRejection',
          title: 'Rejection',
          summary: "A report the ingest API refused from a desk's inbound topic, with why",
          contentType: 'application/json',
          headers: {
            type: 'object',
            required: ['x-original-position'],
            properties: { 'x-original-position': headerProperty('`<topic>/<partition>/<offset>` of the refused message') },
          },
          payload: inboundRejectionJsonSchema(),
          bindings: {
            kafka: { key: { type: 'string', description: "The refused message's key, or `<topic>/<partition>` when it had none" }, bindingVersion: KAFKA_BINDING },
          },
        },
        deadLetter: {
          name: 'deadLetter',
          title: 'Dead letter',
          summary: 'A refused message of the events topic, with why',
          contentType: 'application/json',
          headers: {
            type: 'object',
            required: [DEAD_LETTER_HEADERS.originalPosition],
            properties: {
              [DEAD_LETTER_HEADERS.originalPosition]: headerProperty('`<topic>/<partition>/<offset>` of the original: a dead letter re-sent after a crash is recognisable'),
            },
          },
          payload: deadLetterJsonSchema(),
          bindings: {
            kafka: { key: { type: 'string', description: "The original message's key, or `<topic>/<partition>` when it had none" }, bindingVersion: KAFKA_BINDING },
          },
        },
        statusChange: {
          name: 'statusChange',
          title: 'Status change',
          summary: 'A change of an exchange\'s or negotiation\'s status or reportedStatus',
          contentType: 'application/json',
          headers: {
            type: 'object',
            required: [STATUS_CHANGE_HEADERS.id, STATUS_CHANGE_HEADERS.seq, STATUS_CHANGE_HEADERS.prevSeq],
            properties: {
              [STATUS_CHANGE_HEADERS.id]: headerProperty('The change id, as in the payload'),
              [STATUS_CHANGE_HEADERS.seq]: headerProperty('Its position in the feed (the SSE event id); only grows, with gaps', '^\\d+$'),
              [STATUS_CHANGE_HEADERS.prevSeq]: headerProperty('The position of the change before it (0 for the first), so a reader tells a gap from a skipped number', '^\\d+$'),
              'content-type': { type: 'string', const: 'application/json' },
            },
          },
          payload: statusChangeJsonSchema(),
          bindings: subjectKey("one subject's changes in order; the topic has one partition, so all changes are"),
        },
      },
    },
  };
}
