/**
 * kafkajs' connection-level errors that only mean the broker or the group is still settling (a
 * broker starting, a topic being created, a coordinator being elected): kafkajs retries them and
 * the caller gets the error should the retries run out, so at error level they only alarm.
 */
const SETTLING = new Set([
  'The group coordinator is not available',
  "The coordinator is loading and hence can't process requests for this group",
  'This is not the correct coordinator for this group',
  'There is no leader for this topic-partition as we are in the middle of a leadership election',
  'This server does not host this topic-partition',
  'Topic creation errors',
]);

/** Chosen on purpose (the producers fail fast and the caller retries), so not worth a warning on every start. */
const EXPECTED_WARNINGS = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/** The level a kafkajs log entry is logged at: the start-up noise above is debug. */
export function kafkaLogLevel(
  level: 'error' | 'warn' | 'info' | 'debug',
  message: string,
  extra: Record<string, unknown>,
): 'error' | 'warn' | 'info' | 'debug' {
  if (level === 'error' && typeof extra.error === 'string' && SETTLING.has(extra.error)) return 'debug';
  if (level === 'warn' && EXPECTED_WARNINGS.has(message)) return 'debug';
  return level;
}
