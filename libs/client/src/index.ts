/**
 * @newsledger/client — a typed client of the ingest and query APIs for ingestors and subscribers:
 * record reports (retried safely, each carrying its id), read views and histories, and follow the
 * status-change feed. Plain TypeScript over the global fetch; no framework.
 */
export {
  type AuditJob,
  type AuditJobKind,
  type BatchLineResult,
  type BatchResult,
  type ExchangeSubject,
  type ExchangeViewResponse,
  type FeedChange,
  type FeedMessage,
  type FollowOptions,
  type History,
  type HistoryEntry,
  type ListOptions,
  type NegotiationSubject,
  type NegotiationViewResponse,
  type Page,
  type PointInTimeEcho,
  type RecordResult,
  type Subject,
  type ViewOf,
  type ViewOptions,
  type ViewResponse,
} from './api.types';
export { CLIENT_ROUTES, routePath, type ApiName, type ClientRoute, type ClientRouteName } from './client.routes';
export { NewsledgerClient, type CallOptions, type NewsledgerClientOptions, type RetryInfo } from './newsledger.client';
export { API_ERROR_CODES, NewsledgerError, type ApiErrorCode, type ClientSideErrorCode, type NewsledgerErrorCode, type NewsledgerErrorInit } from './newsledger.error';
export { DEFAULT_RETRY, parseRetryAfter, retryDelay, type RetryOptions } from './retry.policy';
export { SseParser, type SseEvent } from './sse.parser';
export { DeskPublisher, type DeskKafkaLogin, type KafkaClass } from './desk.publisher';
export {
  badgeWords,
  disputeWords,
  factWords,
  HOW_SURE_EXPORTS,
  howSureWording,
  joinNames,
  levelWords,
  partyName,
  statusWord,
  type DisputeWords,
  type HowSureWording,
  type LadderWords,
} from './how-sure.wording';
