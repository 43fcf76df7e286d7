import { Logger } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** What the relay has yet to send: how many changes, and how long ago the oldest was recorded. */
export interface RelayBacklog {
  changes: number;
  oldestSeconds: number;
}

/** The unsent changes of `topic`'s outbox, read in one query. */
export async function readRelayBacklog(db: DataSource, topic: string): Promise<RelayBacklog> {
  const [row] = await db.query<{ changes: string; oldest: number | null }[]>(
    `SELECT count(*) AS changes, extract(epoch FROM now() - min(recorded_at))::float8 AS oldest
     FROM status_changes WHERE topic = $1 AND published_at IS NULL`,
    [topic],
  );
  return { changes: Number(row.changes), oldestSeconds: Math.max(0, row.oldest ?? 0) };
}

/**
 * The relay's lag, read at scrape time (so a stopped relay shows a growing lag, not its last
 * value; no series while it cannot be read, so an alert on absent() fires):
 * `newsledger_relay_lag{topic}` changes in the outbox not yet on the topic, and
 * `newsledger_relay_lag_seconds{topic}` since the oldest of them was recorded (0 when none waits).
 */
export function registerRelayMetrics(registry: Registry, topic: string, read: () => Promise<RelayBacklog>): void {
  const logger = new Logger('metrics');
  const readLogged = (): Promise<RelayBacklog | undefined> =>
    read().catch((e: unknown) => {
      logger.warn(`relay lag unavailable: ${(e as Error).message}`);
      return undefined;
    });
  // A scrape collects the two gauges in registration order: the first starts the one query, the
  // second takes its answer, so both describe the same moment.
  let pending: Promise<RelayBacklog | undefined> | undefined;
  new Gauge({
    name: 'newsledger_relay_lag',
    help: 'Status changes in the outbox not yet sent to the status-changes topic (read at scrape time)',
    labelNames: ['topic'],
    registers: [registry],
    async collect() {
      this.reset();
      pending = readLogged();
      const b = await pending;
      if (b) this.set({ topic }, b.changes);
    },
  });
  new Gauge({
    name: 'newsledger_relay_lag_seconds',
    help: 'Seconds since the oldest status change not yet sent was recorded; 0 when the outbox is sent (read at scrape time)',
    labelNames: ['topic'],
    registers: [registry],
    async collect() {
      this.reset();
      const b = await (pending ?? readLogged());
      pending = undefined;
      if (b) this.set({ topic }, b.oldestSeconds);
    },
  });
}
