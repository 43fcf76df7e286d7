/**
 * @newsledger/projection — the projector's pure batch step (validation outcome, duplicates,
 * retraction checks, summaries, status changes, links), and the indexing around it, shared by the
 * live projector, the rebuild and verify so all three apply the log the same way.
 */
export * from './batch.projection';
export * from './poison.isolation';
