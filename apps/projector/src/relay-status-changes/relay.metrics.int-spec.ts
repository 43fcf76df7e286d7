import { openDataSource } from '@newsledger/persistence';
import { freshId, testConfig } from '@newsledger/testing';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { readRelayBacklog, registerRelayMetrics } from './relay.metrics';

describe('the relay lag (real PostgreSQL)', () => {
  const schema = `relaylag_${freshId('s').replace(/-/g, '_')}`;
  const topic = freshId('changes');
  let db: DataSource;

  beforeAll(async () => {
    db = await openDataSource(testConfig.database.url, 2, schema);
    const row = (id: string, on: string, recordedAt: string, publishedAt: string | null) =>
      db.query(
        `INSERT INTO status_changes (id, subject, kind, field, from_value, to_value, caused_by, recorded_at, published_at, topic)
         VALUES ($1, 'exchange/a', 'exchange', 'status', NULL, 'agreed', $1, $2, $3, $4)`,
        [id, recordedAt, publishedAt, on],
      );
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    await row('sent:status', topic, ago(900), ago(899));
    await row('old:status', topic, ago(300), null);
    await row('new:status', topic, ago(1), null);
    await row('elsewhere:status', `${topic}.other`, ago(3600), null);
  });
  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.destroy();
  });

  it("counts the topic's unsent changes and the age of the oldest, ignoring sent ones and other topics", async () => {
    const backlog = await readRelayBacklog(db, topic);
    expect(backlog.changes).toBe(2);
    expect(backlog.oldestSeconds).toBeGreaterThanOrEqual(299);
    expect(backlog.oldestSeconds).toBeLessThan(330);
    expect(await readRelayBacklog(db, `${topic}.none`)).toEqual({ changes: 0, oldestSeconds: 0 });
  });

  it('exposes both gauges per topic, read at scrape time, and no series while the outbox cannot be read', async () => {
    const registry = new Registry();
    let broken = false;
    registerRelayMetrics(registry, topic, () => (broken ? Promise.reject(new Error('connection lost')) : readRelayBacklog(db, topic)));
    const text = await registry.metrics();
    expect(text).toContain(`newsledger_relay_lag{topic="${topic}"} 2`);
    expect(text).toMatch(new RegExp(`newsledger_relay_lag_seconds\\{topic="${topic}"\\} 3\\d\\d`));
    broken = true;
    const away = await registry.metrics();
    expect(away).not.toMatch(/newsledger_relay_lag(_seconds)?\{/);
  });
});
