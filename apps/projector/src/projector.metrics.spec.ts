import { loadConfig } from '@newsledger/config';
import { MetricsRegistry } from '@newsledger/http';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { deadLetterReasonCode, ProjectorMetrics } from './projector.metrics';

describe('dead letter reason label', () => {
  it('is the snake_case code before the first colon', () => {
    expect(deadLetterReasonCode('id_conflict: id "a" was already used for a different report')).toBe('id_conflict');
    expect(deadLetterReasonCode('wrong_partition: the message key must be the subject')).toBe('wrong_partition');
    expect(deadLetterReasonCode('database_refused: value too long (SQLSTATE 22001)')).toBe('database_refused');
  });

  it('is "invalid" for a reason without such a code, so free text never becomes a label', () => {
    expect(deadLetterReasonCode('not a valid newsledger CloudEvent')).toBe('invalid');
    expect(deadLetterReasonCode("not JSON: Unexpected token 'h'")).toBe('invalid');
    expect(deadLetterReasonCode('empty message: expected a CloudEvents 1.0 JSON object')).toBe('invalid');
    expect(deadLetterReasonCode('Id_Conflict: x')).toBe('invalid');
    expect(deadLetterReasonCode('id_conflict')).toBe('invalid');
  });
});

describe('projector lag', () => {
  /** A Kafka whose admin clients are counted; each reads `ends` as the topic's end offsets. */
  function countingKafka(ends: Record<number, string>) {
    const made = { admins: 0, connects: 0, disconnects: 0, failNext: false };
    const kafka = {
      admin: () => {
        made.admins += 1;
        return {
          connect: async () => void (made.connects += 1),
          disconnect: async () => void (made.disconnects += 1),
          fetchTopicOffsets: async () => {
            if (made.failNext) {
              made.failNext = false;
              throw new Error('broker away');
            }
            return Object.entries(ends).map(([partition, high]) => ({ partition: Number(partition), offset: high, high, low: '0' }));
          },
        };
      },
    };
    return { kafka: kafka as unknown as Kafka, made };
  }
  const db = { manager: { query: async () => [{ partition: 0, next_offset: '4' }] } } as unknown as DataSource;
  const config = loadConfig({});

  it('samples through one admin client kept connected, and connects again after a failed read', async () => {
    const { kafka, made } = countingKafka({ 0: '10', 1: '3' });
    const metrics = new ProjectorMetrics(new MetricsRegistry(), kafka, config, db);
    for (let i = 0; i < 3; i++) {
      expect(await metrics.readLag()).toEqual(new Map([[0, { checkpoint: 4, lag: 6 }], [1, { checkpoint: 0, lag: 3 }]]));
    }
    expect(made).toMatchObject({ admins: 1, connects: 1, disconnects: 0 });
    made.failNext = true;
    await expect(metrics.readLag()).rejects.toThrow('broker away');
    await metrics.readLag();
    expect(made).toMatchObject({ admins: 2, connects: 2, disconnects: 1 });
    await metrics.onApplicationShutdown();
    expect(made.disconnects).toBe(2);
  });
});
