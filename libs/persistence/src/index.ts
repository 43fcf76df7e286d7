export { dataSourceOptions, openDataSource } from './data-source';
export { PersistenceModule, type PersistenceOptions } from './persistence.module';
export {
  EventCopyData,
  ProjectionStore,
  STATUS_CHANGES_CHANNEL,
  type BatchWrites,
  type EventRow,
  type IndexedEventRow,
  type ProjectionTables,
  type StatusChangeRow,
  type ViewRow,
} from './repositories/projection.store';
export { SnapshotStore, type DueSnapshot, type SnapshotBoundsRow, type SnapshotTables } from './repositories/snapshot.store';
export { toRecordedEvent, type EventIndexRow } from './repositories/event-index.rows';
export { SubjectStateStore, type LoadedState } from './repositories/subject-state.store';

export { isDatabaseUnavailable, isDeterministicFailure, sqlStateOf, UNIQUE_VIOLATION } from './database-unavailable';
export { PollLoop } from './poll-loop';
export { prepared, preparedQuery } from './prepared-query';
export { LogIdentityStore, type LogIdentityRow } from './repositories/log-identity.store';
export { staleViewsExist } from './repositories/view-versions';
export { LogIdentityHealth } from './log-identity.health';
