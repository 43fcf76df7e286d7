/**
 * @newsledger/domain — the event catalogue, report validation and the pure reducers that turn a
 * subject's events into its view. No framework, no I/O, no clock.
 */
export { DomainError, type DomainErrorCode, type DomainErrorDetails } from './domain.error';
export {
  SUBJECT_ID_PATTERN,
  SUBJECT_KINDS,
  SUBJECT_PATTERN,
  parseSubject,
  subjectIdOf,
  subjectKindOf,
  subjectOf,
  tryParseSubject,
  type ParsedSubject,
  type SubjectKind,
} from './subject';
export {
  CEASEFIRE_STATUSES,
  CONFIRMATIONS,
  EVENT_TYPES,
  NEGOTIATION_STATUS_REPORTS,
  NOTE_MAX_LENGTH,
  REPORT_ID_PATTERN,
  SOURCE_KINDS,
  SUMMARY_MAX_LENGTH,
  TITLE_MAX_LENGTH,
  EVENT_VERSIONS,
  DEPRECATED_VERSIONS,
  currentVersionOf,
  dataschemaOf,
  isEventType,
  subjectKindsOf,
  versionNamed,
  type CeasefireStatus,
  type Confirmation,
  type EventType,
  type NegotiationStatusReport,
  type SourceKind,
} from './event.catalogue';
export { upcast, type RecordedAs } from './event.upcast';
export {
  type EventData,
  type RecordMetadata,
  type RecordedEvent,
  type Report,
  type ReportEnvelope,
  type ReportInput,
  type ReportOf,
  type Source,
} from './report.schema';
export { searchForm, searchTextOf } from './headline';
export { canonicalJson, reportContentKey, type ReportContent } from './report.content';
export { closest as closestWord, deprecatedVersionOf, validateReport, type ValidationIssue, type ValidationResult } from './report.validation';
export { compiledReportCheck, compileReportValidators, validateParsedReport } from './report.fast-validation';
export { eventJsonSchemaIn, eventJsonSchemas, eventJsonSchemaVersions } from './report.json-schema';
export {
  STORABLE,
  EARLIEST_INSTANT_MS,
  INSTANT_LIMIT_MS,
  INSTANT_RANGE,
  isStorableInstant,
  isStorableNumber,
  isStorableText,
  STORABLE_TEXT_PATTERN,
  UNSTORABLE_TEXT_MESSAGE,
} from './storable';
export { INSTANT_FORMAT, isInstant, isReportedTime, occurredOnOrBefore, recordedBound, reportedTimeStart } from './occurred-at';
export {
  assertPointInTime,
  isKnownAt,
  occurredUntil,
  occurrenceOf,
  replayAt,
  snapshotServes,
  type PointInTime,
  type SnapshotBounds,
} from './point-in-time';
export type { ClaimBase, Fact, Retracted } from './projection.util';
export { countsAsConfirmed, countsAsReported, independenceKey, officialPartyOf, strongestConfirmation } from './confirmation';
export { retractionRefusal, type RetractionRefusal, type RetractionTarget } from './retraction';
export {
  CORROBORATION_LEVELS,
  corroborationOf,
  levelOf,
  type Corroboration,
  type CorroborationLevel,
  type LadderSource,
  type StageCorroboration,
} from './corroboration';
export { resolveFigures, type Dispute, type FigureReport } from './figures';
export { isCurrentState, STATE_VERSION } from './state.version';
export {
  CHANGE_FIELDS,
  disputedValues,
  explainedChanges,
  type ChangeCause,
  type ChangeField,
  type ChangeStep,
  type CorroborationChange,
  type DisputeChange,
  type ExplainedChange,
  type ReportGist,
  type RetractedGist,
  type StatusFieldChange,
} from './explained-change';
export { stagesSupportedBy } from './exchange.lifecycle';
export { EVIDENCE_ROLES, explainView, type Evidence, type EvidenceRole, type ExplainedFact, type Explanation } from './explain';
export {
  EXCHANGE_STATUSES,
  type StatusFold,
  type StatusMark,
  type ExchangeClaim,
  type ExchangeState,
  type ExchangeStatus,
  type ExchangeView,
  type ReleasedBy,
} from './exchange.projection';
export { NEGOTIATION_STATUSES, negotiationStatusFrom, type NegotiationStatus } from './negotiation-status';
export {
  type CeasefireEntry,
  type DocumentEntry,
  type MediationView,
  type NegotiationClaim,
  type NegotiationState,
  type NegotiationView,
  type PositionEntry,
  type RoundView,
} from './negotiation.projection';
export {
  evolve,
  initialState,
  negotiationLinkOf,
  replay,
  statusChanges,
  toStatusView,
  toView,
  type StatusChange,
  type StatusView,
  type SubjectState,
  type SubjectView,
} from './subject.projection';
export {
  asSummary,
  evolveSummary,
  initialSummary,
  summarize,
  summaryColumns,
  summaryStatus,
  type ExchangeSummary,
  type NegotiationSummary,
  type SubjectSummary,
  type SummaryColumns,
} from './subject.summary';
