import { kafkaLogLevel } from './kafka-log.level';

describe("kafkajs' log levels", () => {
  it('logs the start-up noise of a settling broker at debug', () => {
    expect(kafkaLogLevel('error', 'Response GroupCoordinator(key: 10, version: 2)', { error: 'The group coordinator is not available' })).toBe('debug');
    expect(kafkaLogLevel('error', 'Response JoinGroup(key: 11, version: 5)', { error: "The coordinator is loading and hence can't process requests for this group" })).toBe('debug');
    expect(kafkaLogLevel('error', 'Response Metadata(key: 3, version: 6)', { error: 'This server does not host this topic-partition' })).toBe('debug');
    expect(kafkaLogLevel('warn', 'Limiting retries for the idempotent producer may invalidate EoS guarantees', {})).toBe('debug');
  });

  it('keeps every other error and warning as it is', () => {
    expect(kafkaLogLevel('error', 'Response Produce(key: 0, version: 7)', { error: 'The request timed out' })).toBe('error');
    expect(kafkaLogLevel('error', 'Crash: KafkaJSNumberOfRetriesExceeded', {})).toBe('error');
    expect(kafkaLogLevel('warn', 'Connection timeout', {})).toBe('warn');
  });
});
