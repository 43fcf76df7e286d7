import { freshId, testConfig } from '@newsledger/testing';
import { ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { fromCloudEvent } from './cloud-event.mapper';
import { createKafka } from './kafka.factory';
import { LogBatch } from './log-batch';
import { LogReader } from './log.reader';
import { ensureTopics, withAdmin } from './topics';

describe('ensureTopics and the events topic\'s append times (real Kafka)', () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'topics-int' });
  const topicsOf = (name: string) => {
    const prefix = `${process.env.TEST_RUN_ID ?? 'tlocal'}.${freshId(name)}`;
    return { events: `${prefix}.events`, statusChanges: `${prefix}.status-changes`, dlq: `${prefix}.dlq`, eventsPartitions: 2 };
  };
  const overrides = (topic: string) =>
    withAdmin(kafka, async (admin) => {
      const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
      return Object.fromEntries(resources[0].configEntries.filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG).map((e) => [e.configName, e.configValue]));
    });

  it('creates the events topic with LogAppendTime, kept forever', async () => {
    const topics = topicsOf('new');
    expect(await ensureTopics(kafka, topics)).toEqual([topics.events, topics.statusChanges, topics.dlq]);
    expect(await overrides(topics.events)).toMatchObject({ 'message.timestamp.type': 'LogAppendTime', 'retention.ms': '-1', 'retention.bytes': '-1' });
  });

  it('switches an events topic made by an earlier version to LogAppendTime, keeping its other settings', async () => {
    const topics = topicsOf('old');
    await withAdmin(kafka, (admin) =>
      admin.createTopics({
        topics: [{ topic: topics.events, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '-1' }, { name: 'max.message.bytes', value: '2000000' }] }],
        waitForLeaders: true,
      }),
    );
    expect(await overrides(topics.events)).not.toHaveProperty('message.timestamp.type');
    expect(await ensureTopics(kafka, topics)).toEqual([topics.statusChanges, topics.dlq]);
    expect(await overrides(topics.events)).toEqual({ 'message.timestamp.type': 'LogAppendTime', 'retention.ms': '-1', 'max.message.bytes': '2000000' });
    // Once switched, a start finds nothing to change.
    expect(await ensureTopics(kafka, topics)).toEqual([]);
  });

  it('records a message at the time the broker appended it, whatever its time and timestamp claim', async () => {
    const topics = topicsOf('spoof');
    await ensureTopics(kafka, topics);
    const subject = `exchange/${freshId('spoof')}`;
    const producer = kafka.producer();
    await producer.connect();
    const spoofed = {
      specversion: '1.0', id: freshId('e'), type: 'exchange.proposed', subject, source: 'newsroom/kyiv-desk', time: '2020-01-01T00:00:00.000Z',
      datacontenttype: 'application/json', data: { source: { name: 'Reuters', kind: 'agency' }, confirmation: 'confirmed', data: { parties: ['UA', 'RU'] } },
    };
    const before = Date.now();
    const [meta] = await producer
      .send({ topic: topics.events, acks: -1, messages: [{ key: subject, value: JSON.stringify(spoofed), timestamp: String(Date.parse('2020-01-01T00:00:00Z')) }] })
      .finally(() => producer.disconnect());
    expect(Number(meta.logAppendTime)).toBeGreaterThanOrEqual(before);

    const reader = new LogReader(kafka, topics.events, { groupPrefix: `${topics.events}.reader` });
    const batch = await new Promise<LogBatch>((resolve, reject) => {
      void reader.start({ startOffsets: async () => new Map(), onBatch: async (b) => (resolve(b), b.messages.length), onCrash: reject }).catch(reject);
    }).finally(() => reader.stop());
    const [message] = batch.messages;
    expect(message).toMatchObject({ appendTime: true, timestamp: new Date(Number(meta.logAppendTime)).toISOString() });
    const decoded = fromCloudEvent(message.value, message);
    expect(decoded).toMatchObject({ ok: true, event: { id: spoofed.id, recordedAt: new Date(Number(meta.logAppendTime)).toISOString() } });
  });
});
