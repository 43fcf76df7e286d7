import { Parser } from '@asyncapi/parser';
import { loadConfig } from '@newsledger/config';
import { EVENT_TYPES, Report } from '@newsledger/domain';
import {
  asyncApiDocument,
  cloudEventJsonSchemas,
  earlierCloudEventJsonSchemas,
  DEAD_LETTER_HEADERS,
  deadLetterJsonSchema,
  encodeDeadLetter,
  encodeInboundRejection,
  inboundRejectionJsonSchema,
  encodeStatusChange,
  STATUS_CHANGE_HEADERS,
  statusChangeJsonSchema,
  toCloudEvent,
} from '@newsledger/event-log';
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { previousReleaseToCloudEvent } from './support/previous-release.encoder';

// docs/asyncapi.yaml is generated from the code; these checks keep it valid and in step.
const text = readFileSync(path.join(__dirname, '..', 'docs', 'asyncapi.yaml'), 'utf8');
const committed = parse(text) as Record<string, any>;
const defaults = loadConfig({});
const messages = committed.components.messages as Record<string, { payload: Record<string, any>; headers?: Record<string, any> }>;

/** The message's top-level keys are properties the schema lists, and every required one is there. */
function expectShape(value: Record<string, unknown>, schema: Record<string, any>): void {
  expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(Object.keys(value)));
  expect(Object.keys(value)).toEqual(expect.arrayContaining(schema.required));
}

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3 document', async () => {
    const { document, diagnostics } = await new Parser().parse(text);
    // 0 = error, 1 = warning; information and hints (such as "a newer version exists") are fine.
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.version()).toMatch(/^3\./);
    const desk = `${defaults.kafka.inbound.prefix}{desk}`;
    const rejections = `${defaults.kafka.inbound.prefix}rejections.{desk}`;
    expect(document?.channels().all().map((c) => c.address()).sort()).toEqual([...Object.values(defaults.kafka.topics), desk, rejections].sort());
  }, 60_000);

  it('is exactly what `npm run docs:asyncapi` generates from the code (run it when this fails)', () => {
    expect(committed).toEqual(asyncApiDocument({ brokers: defaults.kafka.brokers, topics: defaults.kafka.topics, eventsPartitions: defaults.kafka.eventsPartitions, inboundPrefix: defaults.kafka.inbound.prefix }));
  });

  it("names the topics as the configuration's defaults", () => {
    expect(committed.channels.events.address).toBe(defaults.kafka.topics.events);
    expect(committed.channels.statusChanges.address).toBe(defaults.kafka.topics.statusChanges);
    expect(committed.channels.deadLetters.address).toBe(defaults.kafka.topics.dlq);
    expect(committed.channels.events.bindings.kafka.partitions).toBe(defaults.kafka.eventsPartitions);
  });

  it('carries every event type of the code, with the CloudEvent schema the projector accepts', () => {
    const schemas = cloudEventJsonSchemas();
    expect(Object.keys(committed.channels.events.messages)).toEqual([...EVENT_TYPES, 'negotiation.round.announced.v1']);
    for (const type of EVENT_TYPES) expect({ type, payload: messages[type].payload }).toEqual({ type, payload: schemas[type] });
    for (const { type, version, schema } of earlierCloudEventJsonSchemas()) expect(messages[`${type}.v${version}`].payload).toEqual(schema);
    const report: Report = {
      id: 'swap-agreed', type: 'exchange.agreed', subject: 'exchange/ua-ru-2025-05-1000', occurredAt: '2025-05-16',
      source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } }, note: 'n',
    };
    const event = toCloudEvent(report, { ingestor: 'kyiv-desk', recordedAt: '2025-05-16T10:00:00.000Z' }) as unknown as Record<string, any>;
    const schema = messages['exchange.agreed'].payload;
    expectShape(event, schema);
    expectShape(event.data, schema.properties.data);
    expect(new RegExp(schema.properties.source.pattern).test(event.source)).toBe(true);
  });

  it('tells the versions of negotiation.round.announced apart as the encoders write them: the previous release\'s is version 1', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const current = ajv.compile(messages['negotiation.round.announced'].payload);
    const v1 = ajv.compile(messages['negotiation.round.announced.v1'].payload);
    const meta = { ingestor: 'tass-desk', recordedAt: '2025-05-28T10:00:00.000Z' };
    const common = { id: 'round-2', type: 'negotiation.round.announced', subject: 'negotiation/ua-ru-istanbul-2025', source: { name: 'TASS', kind: 'agency' as const }, confirmation: 'reported' as const };
    const written = JSON.parse(JSON.stringify(toCloudEvent({ ...common, data: { round: 2, agenda: ['memorandum', 'ceasefire'] } } as Report, meta)));
    expect([current(written), v1(written)]).toEqual([true, false]);
    const previous = JSON.parse(JSON.stringify(previousReleaseToCloudEvent({ ...common, data: { round: 2, agenda: 'memorandum' } }, meta)));
    expect([current(previous), v1(previous)]).toEqual([false, true]);
    expect(messages['negotiation.round.announced.v1'].payload).toMatchObject({ deprecated: true });
  });

  it('describes status changes as the relay encodes them: payload, key and headers', () => {
    const { payload, headers } = messages.statusChange;
    expect(payload).toEqual(statusChangeJsonSchema());
    const cause = { eventId: 'r', type: 'report.retracted' as const, confirmation: 'confirmed' as const, source: { name: 'Reuters', kind: 'agency' as const } };
    const common = { subject: 'exchange/ua-ru-1', causedBy: 'r', recordedAt: '2025-05-23T00:00:00.000Z', retractionOf: 'u', cause, reason: 'Because.' };
    const encoded = encodeStatusChange({ id: 'r:status', field: 'status', from: 'underway', to: 'agreed', level: 'one-party', ...common }, { seq: 7, prevSeq: 5 });
    // One schema per kind of change, told apart by `field`.
    const kind = (field: string) => (payload.anyOf as Record<string, any>[]).find((s) => (s.properties.field.enum ?? [s.properties.field.const]).includes(field))!;
    expectShape(JSON.parse(encoded.value), kind('status'));
    const ladder = encodeStatusChange({ id: 'r:corroboration', field: 'corroboration', stage: 'agreed', from: 'all-parties', to: 'one-party', level: 'one-party', ...common }, { seq: 8, prevSeq: 7 });
    expectShape(JSON.parse(ladder.value), kind('corroboration'));
    const dispute = encodeStatusChange({ id: 'r:dispute:released.RU', field: 'dispute', fact: 'released.RU', from: [150, 189], to: null, level: null, ...common }, { seq: 9, prevSeq: 8 });
    expectShape(JSON.parse(dispute.value), kind('dispute'));
    expectShape(encoded.headers!, headers!);
    expect(headers!.required).toEqual(Object.values(STATUS_CHANGE_HEADERS));
    expect(encoded.key).toMatch(new RegExp((committed.components.messages.statusChange.bindings.kafka.key as { pattern: string }).pattern));
  });

  it('describes dead letters as the projector encodes them', () => {
    const { payload, headers } = messages.deadLetter;
    expect(payload).toEqual(deadLetterJsonSchema());
    const encoded = encodeDeadLetter({
      reason: 'report failed validation',
      issues: [{ path: 'data.parties', message: 'is required' }],
      original: { topic: defaults.kafka.topics.events, partition: 2, offset: '41', timestamp: '2025-05-23T00:00:00.000Z', key: 'exchange/x-1', value: '{}' },
    });
    const letter = JSON.parse(encoded.value);
    expectShape(letter, payload);
    expectShape(letter.original, payload.properties.original);
    expectShape(encoded.headers!, headers!);
    expect(encoded.headers![DEAD_LETTER_HEADERS.originalPosition]).toBe(`${defaults.kafka.topics.events}/2/41`);
  });

  it("describes a desk's rejections as the ingest API encodes them", () => {
    const { payload, headers } = messages.inboundRejection;
    expect(payload).toEqual(inboundRejectionJsonSchema());
    const encoded = encodeInboundRejection({
      error: 'forbidden_subject_kind', message: 'key "kyiv-desk" may write reports about exchange subjects only', details: [{ path: 'subject', message: 'exchange subjects only' }],
      desk: 'kyiv-desk', eventId: 'talks-1', rejectedAt: '2026-12-05T10:00:00.000Z',
      original: { topic: `${defaults.kafka.inbound.prefix}kyiv-desk`, partition: 1, offset: '7', key: 'negotiation/x', value: '{}' },
    });
    const rejection = JSON.parse(encoded.value);
    expectShape(rejection, payload);
    expectShape(rejection.original, payload.properties.original);
    expectShape(encoded.headers!, headers!);
    expect(committed.channels.deskInbound.address).toBe(`${defaults.kafka.inbound.prefix}{desk}`);
  });
});
