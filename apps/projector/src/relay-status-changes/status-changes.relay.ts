import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CONFIG, NewsledgerConfig } from '@newsledger/config';
import { EventLogProducer, KAFKA, KafkaClient } from '@newsledger/event-log';
import { MetricsRegistry } from '@newsledger/http';
import { PollLoop, prepared, STATUS_CHANGES_CHANNEL } from '@newsledger/persistence';
import { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { OutboxRow, relayMessages } from './outbox-rows';
import { readRelayBacklog, registerRelayMetrics } from './relay.metrics';

/** Advisory-lock class of relay leadership; the second key hashes the schema and topic. */
const RELAY_LOCK = 7_340_114;

/**
 * Publishes the status-change outbox to its topic, in `seq` order, then marks what was sent.
 *
 * One relay per topic leads at a time (a session advisory lock on its own connection, released if
 * the process dies), so the topic receives the outbox in one order. It wakes on the projector's
 * NOTIFY, with a poll as fallback. A crash between publishing and marking re-publishes the same
 * rows with the same change ids and positions: at-least-once, and every duplicate recognisable.
 */
@Injectable()
export class StatusChangesRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('relay');
  private readonly topic: string;
  private readonly loop = new PollLoop();
  private notified = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: KafkaClient,
    @Inject(CONFIG) private readonly config: NewsledgerConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    registry: MetricsRegistry,
  ) {
    this.topic = config.kafka.topics.statusChanges;
    registerRelayMetrics(registry, this.topic, () => readRelayBacklog(dataSource, this.topic));
  }

  onApplicationBootstrap(): void {
    this.loop.start(() => this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private async run(): Promise<void> {
    while (this.loop.running) {
      let db: PoolClient | undefined;
      let producer: EventLogProducer | undefined;
      try {
        // A connection of its own (from the app's pool, so with its search_path), held while
        // leading: the session lock and LISTEN live on it.
        db = await ((this.dataSource.driver as unknown as { master: Pool }).master).connect();
        // A broken connection fails the next query; this only keeps the error from being unhandled.
        db.on('error', (e) => this.logger.warn(`relay connection: ${e.message}`));
        if (await this.takeLead(db)) {
          producer = new EventLogProducer(this.kafka, this.topic);
          await producer.connect();
          await this.relay(db, producer);
        }
      } catch (e) {
        this.logger.warn(`relay stopped, retrying: ${(e as Error).message}`);
      } finally {
        await producer?.disconnect().catch(() => undefined);
        // Destroyed, not returned to the pool: that drops the lock and the LISTEN with it.
        db?.release(true);
      }
      if (this.loop.running) await this.loop.pause(this.config.relay.pollMs);
    }
  }

  private async takeLead(db: PoolClient): Promise<boolean> {
    while (this.loop.running) {
      const r = await db.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext(current_schema() || ':' || $2)) AS ok`, [RELAY_LOCK, this.topic]);
      if (r.rows[0].ok) {
        this.logger.log(`relaying the status-change outbox to ${this.topic}`);
        return true;
      }
      await this.loop.pause(this.config.relay.pollMs);
    }
    return false;
  }

  private async relay(db: PoolClient, producer: EventLogProducer): Promise<void> {
    db.on('notification', (n) => {
      if (n.payload !== this.topic) return;
      this.notified = true;
      this.loop.wake();
    });
    await db.query(`LISTEN ${STATUS_CHANGES_CHANNEL}`);
    while (this.loop.running) {
      this.notified = false;
      const sent = await this.relayBatch(db, producer);
      if (sent < this.config.relay.batchSize && !this.notified) await this.loop.pause(this.config.relay.pollMs);
    }
  }

  /** Publishes the oldest unpublished rows and marks them; returns how many. */
  private async relayBatch(db: PoolClient, producer: EventLogProducer): Promise<number> {
    // The rows, each with the seq of the row before the first (published or not), in one round trip.
    const { rows } = await db.query<OutboxRow & { prev: string }>(prepared(
      `WITH batch AS (
         SELECT id, seq, subject, field, from_value, to_value, caused_by, retraction_of, recorded_at, payload
         FROM status_changes WHERE topic = $1 AND published_at IS NULL ORDER BY seq LIMIT $2)
       SELECT b.*, (SELECT coalesce(max(s.seq), 0) FROM status_changes s
                    WHERE s.topic = $1 AND s.seq < (SELECT min(seq) FROM batch)) AS prev
       FROM batch b ORDER BY b.seq`,
      [this.topic, this.config.relay.batchSize],
    ));
    if (rows.length === 0) return 0;
    await producer.appendAll(relayMessages(rows, Number(rows[0].prev)));
    await db.query(prepared(`UPDATE status_changes SET published_at = now() WHERE topic = $1 AND seq = ANY($2::bigint[])`, [
      this.topic,
      rows.map((r) => r.seq),
    ]));
    return rows.length;
  }
}
