import type { KafkaMessage } from 'kafkajs';
import { toLogMessage } from './log-batch';

const fetched = (offset: number, timestamp: string): KafkaMessage =>
  ({ offset: String(offset), key: Buffer.from('exchange/ua-ru-1'), value: null, timestamp, attributes: 0, headers: {} }) as KafkaMessage;

describe('a fetched message', () => {
  it('gives its own Kafka timestamp as an ISO instant, however the times of the messages read before it ran', () => {
    const times = [1748080800000, 1748080800000, 1748080800123, 1748080800000, 0, 1748080800123];
    const messages = times.map((t, i) => toLogMessage(3, fetched(i, String(t))));
    expect(messages.map((m) => m.timestamp)).toEqual(times.map((t) => new Date(t).toISOString()));
    // Read again, out of order.
    expect([messages[4], messages[2], messages[0]].map((m) => m.timestamp)).toEqual([0, 1748080800123, 1748080800000].map((t) => new Date(t).toISOString()));
    expect(messages[1]).toMatchObject({ partition: 3, offset: '1', key: 'exchange/ua-ru-1' });
  });
});
