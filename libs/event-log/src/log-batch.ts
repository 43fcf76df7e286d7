import { Batch, ConsumerConfig, KafkaMessage } from 'kafkajs';

/** One message as the consumer hands it over, independent of the Kafka client. */
export interface LogMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  /** the Kafka message timestamp, as an ISO instant */
  timestamp: string;
  /**
   * True when `timestamp` is the broker's append time (a topic with
   * `message.timestamp.type=LogAppendTime`), false when a producer set it (CreateTime).
   */
  appendTime: boolean;
}

/** A run of consecutive messages of one partition. */
export interface LogBatch {
  topic: string;
  partition: number;
  messages: LogMessage[];
  /** the partition's end offset when the batch was fetched */
  highWatermark: string;
}

/** The settings every reader of the log shares: no topic created by reading, large fetches, patient retries. */
export function logConsumerConfig(
  groupId: string,
  opts: { maxBytesPerPartition?: number; sessionTimeout?: number; maxWaitTimeInMs: number },
): ConsumerConfig {
  return {
    groupId,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 4 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
    sessionTimeout: opts.sessionTimeout ?? 30000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: opts.maxWaitTimeInMs,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 5000 },
  };
}

/**
 * A fetched kafkajs message. Its key and timestamp are decoded when read: the projector reads the
 * timestamp only of a CloudEvent without `time`, and decoding both for every message was a few
 * percent of its time. The key, read more than once for every message (a batch's subjects, the
 * check that it is its event's subject), is decoded once.
 */
class FetchedMessage implements LogMessage {
  private keyText: string | undefined;

  constructor(
    readonly partition: number,
    readonly offset: string,
    private readonly rawKey: Buffer | null,
    readonly value: Buffer | null,
    private readonly epochMs: string,
    readonly appendTime: boolean,
  ) {}

  get key(): string | null {
    return this.rawKey ? (this.keyText ??= this.rawKey.toString('utf8')) : null;
  }

  get timestamp(): string {
    // On a LogAppendTime topic every message of a record batch carries the batch's time, and the
    // decoder reads it for each one: written once per run of equal times.
    if (this.epochMs !== lastEpochMs) {
      lastIso = new Date(Number(this.epochMs)).toISOString();
      lastEpochMs = this.epochMs;
    }
    return lastIso;
  }
}

let lastEpochMs: string | undefined;
let lastIso = '';

/** kafkajs' record batch attribute for a broker-set timestamp (its TimestampTypes.LOG_APPEND_TIME). */
const LOG_APPEND_TIME = 1;

/** A fetched kafkajs batch as a {@link LogBatch}. */
export function toLogBatch(batch: Batch): LogBatch {
  return {
    topic: batch.topic,
    partition: batch.partition,
    highWatermark: batch.highWatermark,
    messages: batch.messages.map((m) => toLogMessage(batch.partition, m)),
  };
}

/** One message a kafkajs consumer fetched (`eachMessage` or a batch's) as a {@link LogMessage}. */
export function toLogMessage(partition: number, m: KafkaMessage): LogMessage {
  return new FetchedMessage(partition, m.offset, m.key, m.value, m.timestamp, isAppendTime(m));
}

/**
 * Whether the record's timestamp was set by the broker. kafkajs decodes it (the batch's max
 * timestamp for a LogAppendTime batch) and keeps the batch's timestamp type in an untyped field.
 */
function isAppendTime(m: KafkaMessage): boolean {
  return (m as { batchContext?: { timestampType?: number } }).batchContext?.timestampType === LOG_APPEND_TIME;
}
