import { Admin, Kafka } from 'kafkajs';

/**
 * A topic's end offsets, read through one admin client kept connected between reads: for
 * samplers that read them every few seconds (the projector's lag gauge and stall check), where an
 * admin client per read would open and close broker connections at the same rate. A failed read
 * drops the client, so the next read connects afresh (a broker that went away and came back).
 */
export class EndOffsetsReader {
  private admin: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka, private readonly topic: string) {}

  /** Each partition's end offset (the offset the next message will get). */
  async read(): Promise<Map<number, string>> {
    try {
      const admin = await (this.admin ??= this.connect());
      return new Map((await admin.fetchTopicOffsets(this.topic)).map((o) => [o.partition, o.high]));
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Disconnects the client, if one is connected; a later read connects again. */
  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  private async connect(): Promise<Admin> {
    // No retries: a sample that fails is simply not taken; the next one tries again.
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    return admin;
  }
}
