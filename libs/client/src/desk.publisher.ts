import type { ReportInput } from '@newsledger/domain';
import type { Kafka, KafkaConfig, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** What `keys create --kafka` (or `"kafka": true`) gave the desk. */
export interface DeskKafkaLogin {
  username: string;
  password: string;
  brokers: readonly string[];
  /** The desk's inbound topic, `newsledger.inbound.<key name>`. */
  topic: string;
}

/** kafkajs' `Kafka` class: the desk's own copy, so this client brings no Kafka library of its own. */
export type KafkaClass = new (config: KafkaConfig) => Kafka;

/**
 * A desk's producer on its inbound topic, set up as the ingest API admits best: logged in with the
 * desk's SCRAM-SHA-512 user, each report keyed by its subject (one subject's reports stay in order)
 * and given an id when it has none (so a resend after a lost acknowledgement is recorded once),
 * acknowledged by every in-sync replica.
 *
 * @example
 * import { Kafka } from 'kafkajs';
 * const desk = await DeskPublisher.connect(Kafka, login);
 * await desk.publish([{ type: 'exchange.underway', subject: 'exchange/ua-ru-2025-05-1000', … }]);
 * await desk.disconnect();
 */
export class DeskPublisher {
  private constructor(private readonly producer: Producer, private readonly topic: string) {}

  /** Connects a producer for `login`, with kafkajs' `Kafka` class passed in. */
  static async connect(KafkaCtor: KafkaClass, login: DeskKafkaLogin, options: { clientId?: string } = {}): Promise<DeskPublisher> {
    const kafka = new KafkaCtor({
      clientId: options.clientId ?? login.username,
      brokers: [...login.brokers],
      sasl: { mechanism: 'scram-sha-512', username: login.username, password: login.password },
    });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    return new DeskPublisher(producer, login.topic);
  }

  /**
   * Publishes reports in order; resolves once the broker has them, with each one's id. The ingest
   * API then admits them as HTTP reports; what it refuses is on the desk's rejections topic.
   */
  async publish(reports: readonly ReportInput[]): Promise<string[]> {
    const withIds = reports.map((r) => (r.id ? r : { ...r, id: randomUUID() }));
    await this.producer.send({ topic: this.topic, acks: -1, messages: withIds.map((r) => ({ key: r.subject, value: JSON.stringify(r) })) });
    return withIds.map((r) => r.id as string);
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
