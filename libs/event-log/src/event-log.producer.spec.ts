import { Kafka } from 'kafkajs';
import { EventLogProducer, LogUnavailableError } from './event-log.producer';

/**
 * A one-partition broker driven by a script of outcomes, one per produce request: `landed-lost`
 * appends the batch but loses the reply (the broker went down mid-request), `refused` appends
 * nothing. Like Kafka's idempotent producer, a request resending the last appended batch (same
 * session, same messages) gets that batch's offset back instead of being appended again.
 */
function scriptedBroker(script: ('ok' | 'landed-lost' | 'refused')[]) {
  const log: string[] = [];
  const requests: string[][] = [];
  let last: { values: string; base: number } | undefined;
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async ({ messages }: { messages: { value: string }[] }) => {
      const values = messages.map((m) => m.value);
      requests.push(values);
      const outcome = script.shift() ?? 'ok';
      if (outcome === 'refused') throw new Error('connect ECONNREFUSED');
      let base: number;
      if (last?.values === values.join()) base = last.base;
      else {
        base = log.length;
        log.push(...values);
        last = { values: values.join(), base };
      }
      if (outcome === 'landed-lost') throw new Error('Connection closed');
      return [{ topicName: 't', partition: 0, errorCode: 0, baseOffset: String(base) }];
    },
  };
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicMetadata: async () => ({ topics: [{ name: 't', partitions: [{ partitionId: 0, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }] }] }),
  };
  return { kafka: { producer: () => producer, admin: () => admin } as unknown as Kafka, log, requests };
}

const message = (value: string) => ({ key: 'exchange/x', value });

async function failure(p: Promise<unknown>): Promise<LogUnavailableError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof LogUnavailableError) return e;
    throw e;
  }
  throw new Error('expected the append to fail');
}

describe('EventLogProducer when the broker goes away', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('resends an append that may have landed, alone and first, so it is on the log once, and confirms its real position', async () => {
    const broker = scriptedBroker(['ok', 'landed-lost', 'refused', 'ok', 'ok']);
    const producer = new EventLogProducer(broker.kafka, 't');
    await producer.connect();
    await expect(producer.append(message('a'))).resolves.toEqual({ partition: 0, offset: '0' });

    const inDoubt = await failure(producer.append(message('b')));
    expect(inDoubt.confirmed).toBeDefined();
    // Refused at once and never sent: nothing to confirm.
    const refused = await failure(producer.append(message('c')));
    expect(refused.confirmed).toBeUndefined();
    expect(broker.requests).toEqual([['a'], ['b']]);

    await jest.advanceTimersByTimeAsync(1000); // the broker still refuses the resend
    await jest.advanceTimersByTimeAsync(1000); // it is back
    await expect(inDoubt.confirmed).resolves.toEqual({ partition: 0, offset: '1' });
    await expect(producer.append(message('d'))).resolves.toEqual({ partition: 0, offset: '2' });
    expect(broker.requests).toEqual([['a'], ['b'], ['b'], ['b'], ['d']]);
    expect(broker.log).toEqual(['a', 'b', 'd']);
    await producer.disconnect();
  });

  it('appends a message that had not landed when its resend goes through, and refuses new ones until then', async () => {
    const broker = scriptedBroker(['refused', 'refused', 'ok', 'ok']);
    const producer = new EventLogProducer(broker.kafka, 't');
    await producer.connect();
    const inDoubt = await failure(producer.append(message('a')));
    await jest.advanceTimersByTimeAsync(1000);
    expect((await failure(producer.append(message('b')))).confirmed).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1000);
    await expect(inDoubt.confirmed).resolves.toEqual({ partition: 0, offset: '0' });
    await expect(producer.append(message('c'))).resolves.toEqual({ partition: 0, offset: '1' });
    expect(broker.log).toEqual(['a', 'c']);
    await producer.disconnect();
  });

  it('fails a confirmation still pending when the producer is closed', async () => {
    const broker = scriptedBroker(['refused']);
    const producer = new EventLogProducer(broker.kafka, 't');
    await producer.connect();
    const inDoubt = await failure(producer.append(message('a')));
    await producer.disconnect();
    await expect(inDoubt.confirmed).rejects.toThrow('closed');
  });

  it('appendEach: messages in doubt together each get a confirmation of their own position', async () => {
    const broker = scriptedBroker(['ok', 'landed-lost', 'ok']);
    const producer = new EventLogProducer(broker.kafka, 't');
    await producer.connect();
    await producer.append(message('a'));
    const outcomes = await producer.appendEach([message('b'), message('c')]);
    const errors = outcomes.map((o) => (o.ok ? undefined : o.error));
    expect(errors.every((e) => e instanceof LogUnavailableError && e.confirmed)).toBe(true);
    await jest.advanceTimersByTimeAsync(1000);
    await expect(Promise.all(errors.map((e) => (e as LogUnavailableError).confirmed))).resolves.toEqual([
      { partition: 0, offset: '1' }, { partition: 0, offset: '2' },
    ]);
    expect(broker.log).toEqual(['a', 'b', 'c']);
    await producer.disconnect();
  });

  it('appendAll in doubt, then closed: the unread confirmations fail without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const broker = scriptedBroker(['landed-lost']);
      const producer = new EventLogProducer(broker.kafka, 't');
      await producer.connect();
      await expect(producer.appendAll([message('a'), message('b')])).rejects.toBeInstanceOf(LogUnavailableError);
      await producer.disconnect();
      jest.useRealTimers();
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

