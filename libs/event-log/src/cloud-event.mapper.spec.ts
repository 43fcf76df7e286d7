import { Report } from '@newsledger/domain';
import { Partitioners } from 'kafkajs';
import { fromCloudEvent, subjectPartition, toCloudEvent } from './cloud-event.mapper';

const report: Report = {
  id: 'r-1',
  type: 'exchange.underway',
  subject: 'exchange/ua-ru-2025-05-1000',
  occurredAt: '2025-05-23',
  source: { name: 'Ukrainian military sources', kind: 'military' },
  confirmation: 'confirmed',
  data: { location: 'Ukraine–Belarus border' },
} as Report;
const at = { partition: 2, offset: '41' };

describe('CloudEvents mapping', () => {
  it('maps a report to a CloudEvent and back without loss', () => {
    const ce = toCloudEvent(report, { ingestor: 'kyiv-desk', recordedAt: '2025-05-23T10:00:00.000Z' });
    expect(ce).toMatchObject({ specversion: '1.0', id: 'r-1', source: 'newsroom/kyiv-desk', subject: report.subject, time: '2025-05-23T10:00:00.000Z' });
    expect(ce.data).toEqual({ occurredAt: '2025-05-23', source: report.source, confirmation: 'confirmed', data: report.data });
    const back = fromCloudEvent(JSON.stringify(ce), at);
    expect(back).toEqual({ ok: true, event: { ...report, ingestor: 'kyiv-desk', recordedAt: '2025-05-23T10:00:00.000Z', position: at } });
  });

  it.each([
    ['2025-05-23T10:00:00.000Z', '2025-05-23T10:00:00.000Z'],
    ['2025-05-23T10:00:00Z', '2025-05-23T10:00:00.000Z'],
    ['2025-05-23T12:00:00.000+02:00', '2025-05-23T10:00:00.000Z'],
    ['2025-02-30T00:00:00.000Z', '2025-03-02T00:00:00.000Z'],
    ['2025-05-23T24:00:00.000Z', '2025-05-24T00:00:00.000Z'],
  ])('writes the time %s as recordedAt %s', (time, recordedAt) => {
    const ce = { ...toCloudEvent(report, { ingestor: 'direct', recordedAt: '2025-05-23T10:00:00.000Z' }), time };
    const r = fromCloudEvent(JSON.stringify(ce), at);
    expect(r.ok && r.event.recordedAt).toBe(recordedAt);
  });

  it('takes recordedAt from the broker\'s append time, whatever time the message claims', () => {
    const ce = { ...toCloudEvent(report, { ingestor: 'kyiv-desk', recordedAt: '2025-05-23T10:00:00.000Z' }), time: '2020-01-01T00:00:00.000Z' };
    const appended = { ...at, timestamp: '2025-05-24T08:00:00.123Z', appendTime: true };
    expect(fromCloudEvent(JSON.stringify(ce), appended)).toMatchObject({ ok: true, event: { recordedAt: '2025-05-24T08:00:00.123Z' } });
    // Not even a time no instant could be read from stops it: the message does not say when it was recorded.
    expect(fromCloudEvent(JSON.stringify({ ...ce, time: 'yesterday' }), appended)).toMatchObject({ ok: true, event: { recordedAt: '2025-05-24T08:00:00.123Z' } });
  });

  it('uses the Kafka timestamp when a message appended before LogAppendTime has no time', () => {
    const { time: _t, ...ce } = toCloudEvent(report, { ingestor: 'direct', recordedAt: '2025-05-23T10:00:00.000Z' });
    const r = fromCloudEvent(Buffer.from(JSON.stringify(ce)), { ...at, timestamp: '2025-05-24T00:00:00.000Z' });
    expect(r.ok && r.event.recordedAt).toBe('2025-05-24T00:00:00.000Z');
  });

  it.each([
    ['null', null, /empty/],
    ['not JSON', '{"a":', /not JSON/],
    ['an array', '[]', /JSON object/],
    ['no ingestor', JSON.stringify({ ...toCloudEvent(report, { ingestor: 'x', recordedAt: '2025-05-23T10:00:00Z' }), source: 'someone' }), /not a valid/],
    ['a bad report', JSON.stringify({ ...toCloudEvent(report, { ingestor: 'x', recordedAt: '2025-05-23T10:00:00Z' }), type: 'exchange.nope' }), /failed validation/],
    // PostgreSQL could not store these: acknowledged on the log, they would be retried forever instead of dead-lettered.
    ['a NUL in the ingestor', JSON.stringify({ ...toCloudEvent(report, { ingestor: 'x', recordedAt: '2025-05-23T10:00:00Z' }), source: 'newsroom/a\u0000b' }), /not a valid/],
    ['a NUL in free text', JSON.stringify(toCloudEvent({ ...report, note: 'a\u0000b' }, { ingestor: 'x', recordedAt: '2025-05-23T10:00:00Z' })), /failed validation/],
    ['a NUL in a source URL', JSON.stringify(toCloudEvent({ ...report, source: { ...report.source, url: 'https://a.example/x\u0000y' } }, { ingestor: 'x', recordedAt: '2025-05-23T10:00:00Z' })), /failed validation/],
    ['a time past the year 9999', JSON.stringify({ ...toCloudEvent(report, { ingestor: 'x', recordedAt: '2025-05-23T10:00:00Z' }), time: '+010000-01-01T00:00:00Z' }), /not a valid/],
  ])('refuses %s with a reason', (_name, value, reason) => {
    const r = fromCloudEvent(value, at);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  it('names the version of its data in dataschema: the current one for every type', () => {
    const ce = toCloudEvent(report, { ingestor: 'kyiv-desk', recordedAt: '2025-05-23T10:00:00.000Z' });
    expect(ce.dataschema).toBe('urn:newsledger:schema:exchange.underway:v1');
    const round = toCloudEvent({ ...announced, data: { round: 2, agenda: ['memorandum'] } } as Report, { ingestor: 'kyiv-desk', recordedAt: '2025-05-23T10:00:00.000Z' });
    expect(round.dataschema).toBe('urn:newsledger:schema:negotiation.round.announced:v2');
  });
});

const announced = {
  id: 'round-2',
  type: 'negotiation.round.announced',
  subject: 'negotiation/ua-ru-istanbul-2025',
  source: { name: 'TASS', kind: 'agency' },
  confirmation: 'reported',
  data: { round: 2, agenda: 'Moscow to present a memorandum' },
};
/** A message as the release before versions wrote it: no dataschema, the agenda one string. */
const previousRelease = {
  specversion: '1.0', id: announced.id, type: announced.type, source: 'newsroom/tass-desk', subject: announced.subject,
  time: '2025-05-28T10:00:00.000Z', datacontenttype: 'application/json',
  data: { source: announced.source, confirmation: announced.confirmation, data: announced.data },
};

describe('CloudEvents of an earlier version of their type', () => {
  it('reads a message without dataschema as version 1, upcast, with what was recorded kept', () => {
    const r = fromCloudEvent(JSON.stringify(previousRelease), at);
    expect(r).toEqual({
      ok: true,
      event: {
        ...announced, data: { round: 2, agenda: ['Moscow to present a memorandum'] }, recordedAs: { version: 1, data: announced.data },
        ingestor: 'tass-desk', recordedAt: '2025-05-28T10:00:00.000Z', position: at,
      },
    });
  });

  it('reads version 1 named by its dataschema alike, and version 2 as it is', () => {
    const v1 = fromCloudEvent(JSON.stringify({ ...previousRelease, dataschema: 'urn:newsledger:schema:negotiation.round.announced:v1' }), at);
    expect(v1.ok && v1.event.data).toEqual({ round: 2, agenda: ['Moscow to present a memorandum'] });
    const list = { ...previousRelease.data, data: { round: 2, agenda: ['memorandum', 'ceasefire'] } };
    const v2 = fromCloudEvent(JSON.stringify({ ...previousRelease, dataschema: 'urn:newsledger:schema:negotiation.round.announced:v2', data: list }), at);
    expect(v2.ok && v2.event).toEqual({ ...announced, data: list.data, ingestor: 'tass-desk', recordedAt: '2025-05-28T10:00:00.000Z', position: at });
  });

  it('writes a report accepted in a deprecated version as it was sent, named as such', () => {
    const upcast = { ...announced, data: { round: 2, agenda: ['Moscow to present a memorandum'] }, recordedAs: { version: 1, data: announced.data } } as Report;
    const ce = toCloudEvent(upcast, { ingestor: 'tass-desk', recordedAt: '2025-05-28T10:00:00.000Z' });
    expect(ce).toEqual({ ...previousRelease, dataschema: 'urn:newsledger:schema:negotiation.round.announced:v1' });
    const back = fromCloudEvent(JSON.stringify(ce), at);
    expect(back).toEqual({ ok: true, event: { ...upcast, ingestor: 'tass-desk', recordedAt: '2025-05-28T10:00:00.000Z', position: at } });
  });

  it('refuses a list without dataschema, saying how to name version 2', () => {
    const r = fromCloudEvent(JSON.stringify({ ...previousRelease, data: { ...previousRelease.data, data: { round: 2, agenda: ['memorandum'] } } }), at);
    expect(r).toMatchObject({ ok: false, reason: 'report failed validation' });
    expect(!r.ok && r.issues).toEqual([
      { path: 'data.agenda', message: 'must be a short description of the agenda' },
      { path: 'dataschema', message: 'is absent, so data was read as version 1 of negotiation.round.announced; data of version 2 needs "dataschema":"urn:newsledger:schema:negotiation.round.announced:v2"' },
    ]);
  });

  it.each([
    ['a version the type does not have', 'urn:newsledger:schema:negotiation.round.announced:v3'],
    ["another type's", 'urn:newsledger:schema:negotiation.round.held:v1'],
    ['not a string', 2],
  ])('refuses a dataschema naming %s', (_name, dataschema) => {
    const r = fromCloudEvent(JSON.stringify({ ...previousRelease, dataschema }), at);
    expect(r).toMatchObject({
      ok: false,
      reason: 'not a valid newsledger CloudEvent',
      issues: [{ path: 'dataschema', message: 'must be "urn:newsledger:schema:negotiation.round.announced:v1" or "urn:newsledger:schema:negotiation.round.announced:v2", or absent for version 1' }],
    });
  });
});

describe('subjectPartition', () => {
  const kafkaDefault = Partitioners.DefaultPartitioner();
  const metadata = (n: number) => Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));

  it("is Kafka's default partitioner on the subject, asked again and again, for every partition count", () => {
    const subjects = Array.from({ length: 300 }, (_, i) => `exchange/ua-ru-${i}`);
    for (const partitions of [1, 3, 6, 12]) {
      for (let pass = 0; pass < 2; pass++) {
        for (const subject of subjects) {
          expect([subject, partitions, subjectPartition(subject, partitions)]).toEqual([
            subject, partitions, kafkaDefault({ topic: 't', partitionMetadata: metadata(partitions), message: { key: subject, value: null } }),
          ]);
        }
      }
    }
  });
});
