import { ConfigError, loadConfig } from './newsledger.config';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9094']);
    expect(c.kafka.sasl).toBeUndefined();
    expect(c.database.url).toBe('postgres://postgres@127.0.0.1:5432/newsledger');
    expect(c.http.ingestPort).toBe(3000);
    expect(c.http.queryPort).toBe(3001);
    expect(c.http.metricsPort).toBe(3002);
    expect(c.kafka.eventsPartitions).toBe(6);
    expect(c.kafka.projectorFetchWaitMs).toBe(20);
    expect(c.kafka.appendLingerMs).toBe(2);
    expect(c.database.queryStatementTimeoutMs).toBe(20_000);
    expect(c.adminKey).toBeUndefined();
  });

  it('bounds how long the projector\'s next fetch may wait to gather live events: never longer than half a second', () => {
    expect(loadConfig({ PROJECTOR_FETCH_WAIT_MS: '0' }).kafka.projectorFetchWaitMs).toBe(0);
    expect(() => loadConfig({ PROJECTOR_FETCH_WAIT_MS: '501' })).toThrow(/PROJECTOR_FETCH_WAIT_MS/);
    expect(() => loadConfig({ INGEST_APPEND_LINGER_MS: '51' })).toThrow(/INGEST_APPEND_LINGER_MS/);
  });

  it("bounds the query API's statements at an hour at most; 0 lifts the bound", () => {
    expect(loadConfig({ QUERY_STATEMENT_TIMEOUT_MS: '0' }).database.queryStatementTimeoutMs).toBe(0);
    expect(() => loadConfig({ QUERY_STATEMENT_TIMEOUT_MS: '3600001' })).toThrow(/QUERY_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ QUERY_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/QUERY_STATEMENT_TIMEOUT_MS/);
  });

  it('is frozen', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c.kafka.topics)).toBe(true);
  });

  it('lists every bad variable', () => {
    let err: unknown;
    try {
      loadConfig({ KAFKA_BROKERS: 'nohost', INGEST_PORT: 'x', NEWSLEDGER_ADMIN_KEY: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).details.map((d) => d.variable).sort()).toEqual(['INGEST_PORT', 'KAFKA_BROKERS', 'NEWSLEDGER_ADMIN_KEY']);
  });

  it('takes only http(s) API URLs for the clients, so a bare host:port is refused rather than retried forever', () => {
    expect(() => loadConfig({ NEWSLEDGER_QUERY_URL: 'localhost:3001', NEWSLEDGER_INGEST_URL: 'ftp://127.0.0.1:3000' })).toThrow(
      expect.objectContaining({
        details: [
          { variable: 'NEWSLEDGER_INGEST_URL', message: expect.stringContaining('such as http://127.0.0.1:3000') },
          { variable: 'NEWSLEDGER_QUERY_URL', message: expect.stringContaining('such as http://127.0.0.1:3001') },
        ],
      }),
    );
    expect(loadConfig({ NEWSLEDGER_QUERY_URL: 'https://news.example/api/' }).client.queryUrl).toBe('https://news.example/api');
  });

  it('has no test-only switches: the relay fault injection lives in the test harness', () => {
    expect(loadConfig({ RELAY_FAULT_EXIT_AFTER_SENDS: '5' }).relay).toEqual({ batchSize: 500, pollMs: 1000 });
  });

  it('takes the Kafka user and password together', () => {
    expect(loadConfig({ KAFKA_SASL_USERNAME: 'newsledger-ingest', KAFKA_SASL_PASSWORD: 'secret' }).kafka.sasl).toEqual({
      mechanism: 'scram-sha-512', username: 'newsledger-ingest', password: 'secret',
    });
    expect(() => loadConfig({ KAFKA_SASL_USERNAME: 'newsledger-ingest' })).toThrow(expect.objectContaining({ details: [{ variable: 'KAFKA_SASL_PASSWORD', message: expect.stringContaining('together') }] }));
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(ConfigError);
    expect(loadConfig({}).kafka.directPublishers).toEqual([]);
    expect(loadConfig({ KAFKA_DIRECT_PUBLISHERS: 'wire-a, wire-b' }).kafka.directPublishers).toEqual(['wire-a', 'wire-b']);
    expect(() => loadConfig({ KAFKA_DIRECT_PUBLISHERS: 'User:*' })).toThrow(expect.objectContaining({ details: [expect.objectContaining({ variable: 'KAFKA_DIRECT_PUBLISHERS' })] }));
  });
});
