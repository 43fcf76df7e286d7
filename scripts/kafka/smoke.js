#!/usr/bin/env node
'use strict';
/**
 * kafkajs 2.2.4 smoke test against a running broker: the API surface newsledger relies on.
 *   node scripts/kafka/smoke.js            (KAFKA_BROKERS, default 127.0.0.1:9094; as the local admin user)
 *   node scripts/kafka/smoke.js --start    (ensureKafka first, stop afterwards if it started one)
 * Prints one line per step; exit 1 when a step fails.
 */
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');
const { ensureKafka, localCredentials, saslFor } = require('./kafka');

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9094').split(',');
const run = `${Date.now().toString(36)}`;
const topic = `smoke.events.${run}`;
const groupId = `smoke-group-${run}`;
const N = 2000;
const results = [];

async function step(name, fn) {
  const t0 = Date.now();
  try {
    const info = await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - t0} ms)${info ? ` ${info}` : ''}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name} (${Date.now() - t0} ms): ${e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : e}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function main() {
  let infra = { stop: async () => {} };
  if (process.argv.includes('--start')) infra = await ensureKafka({ log: (m) => console.log(`[kafka] ${m}`) });
  const kafka = new Kafka({ clientId: 'smoke', brokers, sasl: saslFor(localCredentials()), logLevel: logLevel.WARN });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let consumer;
  let consumer2;

  try {
    await step('admin connect + describeCluster', async () => {
      await admin.connect();
      const c = await admin.describeCluster();
      return `controller=${c.controller} brokers=${c.brokers.map((b) => `${b.host}:${b.port}`).join(',')}`;
    });

    await step('createTopics with configs (3 partitions, retention.ms=-1, cleanup.policy=delete)', async () => {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [{
          topic,
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'min.insync.replicas', value: '1' },
          ],
        }],
      });
      assert(created === true, `createTopics returned ${created}`);
    });

    await step('createTopics again -> false (already exists)', async () => {
      const again = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
      assert(again === false, `expected false, got ${again}`);
    });

    await step('describeConfigs shows retention.ms=-1', async () => {
      const r = await admin.describeConfigs({ resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }], includeSynonyms: false });
      const v = r.resources[0].configEntries.find((e) => e.configName === 'retention.ms').configValue;
      assert(v === '-1', `retention.ms=${v}`);
    });

    await step('listTopics + fetchTopicMetadata', async () => {
      const topics = await admin.listTopics();
      assert(topics.includes(topic), 'topic not listed');
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      assert(md.topics[0].partitions.length === 3, 'partitions != 3');
    });

    await step(`idempotent producer acks=-1: send batch of ${N} (keys, headers, gzip)`, async () => {
      await producer.connect();
      const messages = Array.from({ length: N }, (_, i) => ({
        key: `subject-${i % 50}`,
        value: JSON.stringify({ i, run }),
        headers: { 'ce_type': 'smoke.v1', 'ce_id': `${run}-${i}` },
      }));
      const r = await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: messages.slice(0, N / 2) });
      const r2 = await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: messages.slice(N / 2) }] });
      return `partitions=${r.length}+${r2.length}`;
    });

    await step('fetchTopicOffsets sums to N', async () => {
      const offs = await admin.fetchTopicOffsets(topic);
      const sum = offs.reduce((s, o) => s + Number(o.high) - Number(o.low), 0);
      assert(sum === N, `sum=${sum}`);
    });

    const seen = new Map();
    let joined = 0;
    await step('consumer group: eachBatch, autoCommit off, manual commitOffsets, GROUP_JOIN seek', async () => {
      consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
      await consumer.connect();
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        joined++;
        // the projector seeks to the offsets it stored in PostgreSQL; here: partition 0 -> 0
        const assigned = e.payload.memberAssignment[topic] || [];
        for (const p of assigned) consumer.seek({ topic, partition: p, offset: '0' });
      });
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let total = 0;
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timeout, consumed ${total}`)), 30000);
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            for (const m of batch.messages) {
              seen.set(`${batch.partition}:${m.offset}`, m.headers.ce_id.toString());
              resolveOffset(m.offset);
            }
            total = seen.size;
            await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
            await heartbeat();
            if (total >= N) {
              clearTimeout(timer);
              resolve();
            }
          },
        }).catch(reject);
      });
      return `consumed=${seen.size} joins=${joined}`;
    });

    await step('describeGroups: Stable, 1 member', async () => {
      const g = await admin.describeGroups([groupId]);
      assert(g.groups[0].state === 'Stable', `state=${g.groups[0].state}`);
      return `members=${g.groups[0].members.length} protocol=${g.groups[0].protocol}`;
    });

    await step('fetchOffsets: committed = high watermarks', async () => {
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const high = await admin.fetchTopicOffsets(topic);
      for (const p of committed.partitions) {
        const h = high.find((x) => x.partition === p.partition).high;
        assert(p.offset === h, `p${p.partition}: committed ${p.offset} high ${h}`);
      }
      return committed.partitions.map((p) => `p${p.partition}=${p.offset}`).join(' ');
    });

    await step('seek back to 0 on partition 0 while running -> redelivery', async () => {
      const before = seen.size;
      const p0 = [...seen.keys()].filter((k) => k.startsWith('0:')).length;
      let redelivered = 0;
      const origSet = seen.set.bind(seen);
      seen.set = (k, v) => {
        if (seen.has(k)) redelivered++;
        return origSet(k, v);
      };
      consumer.seek({ topic, partition: 0, offset: '0' });
      const deadline = Date.now() + 15000;
      while (redelivered < p0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert(redelivered >= p0, `redelivered ${redelivered} of ${p0}`);
      assert(seen.size === before, 'new keys appeared');
      return `redelivered=${redelivered}`;
    });

    await step('second member joins -> rebalance, both get partitions', async () => {
      const joinsBefore = joined;
      consumer2 = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
      let joined2 = null;
      consumer2.on(consumer2.events.GROUP_JOIN, (e) => { joined2 = e.payload.memberAssignment; });
      await consumer2.connect();
      await consumer2.subscribe({ topics: [topic] });
      await consumer2.run({ autoCommit: false, eachBatch: async () => {} });
      const deadline = Date.now() + 30000;
      while ((!joined2 || joined === joinsBefore) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert(joined2, 'second consumer never joined');
      const g = await admin.describeGroups([groupId]);
      assert(g.groups[0].members.length === 2, `members=${g.groups[0].members.length}`);
      return `consumer2=${JSON.stringify(joined2)}`;
    });

    await step('disconnect consumers; resetOffsets + setOffsets on empty group', async () => {
      await Promise.all([consumer2.disconnect(), consumer.disconnect()]);
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 1, offset: '5' }] });
      const [c] = await admin.fetchOffsets({ groupId, topics: [topic] });
      assert(c.partitions.find((p) => p.partition === 1).offset === '5', 'setOffsets not applied');
      await admin.resetOffsets({ groupId, topic, earliest: true });
    });

    await step('listGroups, alterConfigs, createPartitions, offsets by timestamp, deleteTopicRecords', async () => {
      const { groups } = await admin.listGroups();
      assert(groups.some((g) => g.groupId === groupId), 'group not listed');
      await admin.alterConfigs({ resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
      await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      assert(md.topics[0].partitions.length === 4, 'createPartitions');
      const byTs = await admin.fetchTopicOffsetsByTimestamp(topic, Date.now() - 3600_000);
      assert(byTs.length === 4, 'offsets by timestamp');
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '10' }] });
      const low = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === 0).low;
      assert(low === '10', `low=${low}`);
    });

    await step('transactional producer: commit + abort, read_committed consumer sees only committed', async () => {
      const tp = kafka.producer({ transactionalId: `smoke-tx-${run}`, idempotent: true, maxInFlightRequests: 1 });
      await tp.connect();
      let tx = await tp.transaction();
      await tx.send({ topic, messages: [{ key: 'tx', value: 'committed' }] });
      await tx.commit();
      tx = await tp.transaction();
      await tx.send({ topic, messages: [{ key: 'tx', value: 'aborted' }] });
      await tx.abort();
      await tp.disconnect();
      const c = kafka.consumer({ groupId: `${groupId}-tx`, readUncommitted: false, maxWaitTimeInMs: 500 });
      await c.connect();
      await c.subscribe({ topics: [topic], fromBeginning: true });
      const txValues = [];
      let count = 0;
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 8000);
        c.run({ eachMessage: async ({ message }) => {
          count++;
          if (message.key && message.key.toString() === 'tx') txValues.push(message.value.toString());
          if (txValues.includes('committed') && count >= N - 10 + 1) { clearTimeout(timer); resolve(); }
        } });
      });
      await c.disconnect();
      assert(JSON.stringify(txValues) === '["committed"]', `saw ${JSON.stringify(txValues)}`);
      await admin.deleteGroups([`${groupId}-tx`]);
    });

    await step('deleteGroups + deleteTopics', async () => {
      await admin.deleteGroups([groupId]);
      await admin.deleteTopics({ topics: [topic], timeout: 10000 });
      const deadline = Date.now() + 10000;
      while ((await admin.listTopics()).includes(topic) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert(!(await admin.listTopics()).includes(topic), 'topic still listed');
    });
  } finally {
    await producer.disconnect().catch(() => {});
    await consumer?.disconnect().catch(() => {});
    await consumer2?.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await infra.stop();
  }
  const failed = results.filter((r) => !r.ok);
  console.log(failed.length ? `${failed.length} of ${results.length} steps FAILED` : `all ${results.length} steps passed`);
  return failed.length ? 1 : 0;
}

main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });
