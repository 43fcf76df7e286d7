/**
 * @newsledger/projection — the projector's pure batch step (validation outcome, duplicates,
 * retraction checks, summaries, status changes, links), and the indexing around it, shared by the
 * live projector, the rebuild and verify so all three apply the log the same way.
 */
export {
  decodeMessage,
  eventRowOf,
  projectBatch,
  projectMessages,
  storeLookups,
  type AppliedEvent,
  type BatchLookups,
  type EventBulk,
  type BatchOutcome,
  type DecodedMessage,
  type IndexedEvent,
  type ProjectBatchOptions,
  type ProjectMessagesOptions,
} from './batch.projection';
export { isolatePoison, type PoisonIsolation } from './poison.isolation';
