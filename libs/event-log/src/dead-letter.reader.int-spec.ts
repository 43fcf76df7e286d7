import { testConfig } from '@newsledger/testing';
import { randomUUID } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { encodeDeadLetter } from './dead-letter.message';
import { DeadLetterReadError, readDeadLetters } from './dead-letter.reader';
import { createKafka } from './kafka.factory';

describe('readDeadLetters (real Kafka)', () => {
  const kafka = createKafka({ brokers: testConfig.kafka.brokers, sasl: testConfig.kafka.sasl, clientId: 'dead-letter-reader-int' });
  const topic = `${process.env.TEST_RUN_ID ?? 'tlocal'}.reader-${randomUUID().slice(0, 8)}.dlq`;

  it('answers an empty page for a dead-letter topic not created yet', async () => {
    expect(await readDeadLetters(kafka, topic, { limit: 10 })).toEqual({ letters: [], nextBefore: null, total: 0 });
  });

  it('pages backwards by offset, each page newest first, past a cursor beyond the end', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    const original = { topic: 'events', partition: 0, timestamp: '2025-05-23T10:00:00.000Z', key: 'exchange/x' };
    await producer.send({
      topic,
      messages: [0, 1, 2, 3, 4].map((n) => {
        const m = encodeDeadLetter({ reason: `reason ${n}`, issues: [], original: { ...original, offset: String(n), value: `{"n":${n}}` } });
        return { key: m.key, value: m.value as string, headers: m.headers };
      }),
    });
    await producer.disconnect();

    const first = await readDeadLetters(kafka, topic, { limit: 2, before: '999' });
    expect([first.letters.map((l) => l.reason), first.nextBefore, first.total]).toEqual([['reason 4', 'reason 3'], '3', 5]);
    const second = await readDeadLetters(kafka, topic, { limit: 2, before: first.nextBefore! });
    expect([second.letters.map((l) => l.originalPosition), second.nextBefore]).toEqual([['events/0/2', 'events/0/1'], '1']);
    const last = await readDeadLetters(kafka, topic, { limit: 2, before: second.nextBefore! });
    expect([last.letters.map((l) => l.preview), last.nextBefore]).toEqual([['{"n":0}'], null]);
  });

  describe('with no broker answering', () => {
    let silent: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // A port that accepts connections and never answers: the broker hung, not merely absent.
      silent = createServer((socket) => void sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('fails with DeadLetterReadError (log_unavailable), naming the topic', async () => {
      const away = createKafka({ brokers: [`127.0.0.1:${port}`], clientId: 'dead-letter-reader-int', retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 } });
      const failure = await readDeadLetters(away, 'newsledger.events.dlq', { limit: 5 }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DeadLetterReadError);
      expect(failure).toMatchObject({ code: 'log_unavailable', message: expect.stringContaining('the dead-letter topic newsledger.events.dlq cannot be read') });
    }, 60_000);
  });
});
