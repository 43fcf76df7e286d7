export {
  cloudEventJsonSchemas,
  earlierCloudEventJsonSchemas,
  fromCloudEvent,
  subjectPartition,
  toCloudEvent,
  type CloudEvent,
  type DecodeResult,
  type MessagePlacement,
} from './cloud-event.mapper';
export { createKafka, type KafkaClient, type KafkaLogSink, type KafkaRetry } from './kafka.factory';

export { ensureTopics, fetchPartitionCount, pingKafka, withAdmin, type TopicSettings } from './topics';
export { EventLogProducer, LogUnavailableError, type LogPosition, type OutgoingMessage } from './event-log.producer';
export { EventLogConsumer, type ConsumerHooks } from './event-log.consumer';
export type { LogBatch, LogMessage } from './log-batch';
export { toLogMessage } from './log-batch';
export { EventLogModule, KAFKA, nestKafkaLog } from './event-log.module';
export {
  decodeStatusChange,
  encodeStatusChange,
  STATUS_CHANGE_HEADERS,
  statusChangeJson,
  statusChangeJsonSchema,
  statusChangeOfColumns,
  type DecodedStatusChange,
  type FeedPosition,
  type StatusChangeColumns,
  type StatusChangeMessage,
} from './status-change.message';
export { DEAD_LETTER_HEADERS, deadLetterJsonSchema, encodeDeadLetter, type DeadLetter } from './dead-letter.message';
export {
  DEAD_LETTER_PREVIEW_CHARS,
  DeadLetterReadError,
  readDeadLetters,
  type DeadLetterEntry,
  type DeadLetterPage,
} from './dead-letter.reader';
export { asyncApiDocument, type AsyncApiSettings } from './asyncapi.document';
export { TopicTail, type TailMessage } from './topic-tail.consumer';
export { fetchEndOffsets, LogReader, type LogReaderHooks } from './log.reader';
export { EndOffsetsReader, GroupLagReader, type PartitionLag } from './end-offsets.reader';
export {
  eventIdMark,
  judgeLog,
  messageMark,
  readClusterId,
  readLogFacts,
  readMarks,
  type LogAnchor,
  type LogFacts,
  type LogIdentity,
  type LogRefusal,
  type LogRefusalReason,
} from './log-identity';
export { appGrants, grantAccess, type AccessPlan, type KafkaGrant, type KafkaOperation } from './kafka-access';

export { deskGrants, KafkaDeskAccess, provisionDesk, revokeDesk, type DeskCredentials } from './desk-access';
export { deskGroupPrefix, deskNameRefusal, deskTopics, deskUser, type DeskTopics } from './desk-topics';
export { InboundConsumer, type InboundHandler, type InboundMessage } from './inbound.consumer';
export {
  encodeInboundRejection,
  inboundBody,
  inboundRejectionJsonSchema,
  inboundReportId,
  type InboundBody,
  type InboundPosition,
  type InboundRejection,
} from './inbound.message';
