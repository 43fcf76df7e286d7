import type {
  ChangeField,
  Confirmation,
  CorroborationChange,
  DisputeChange,
  ExplainedChange,
  EventType,
  ExchangeStatus,
  ExchangeView,
  NegotiationView,
  Source,
  StatusFieldChange,
  SubjectKind,
  ValidationIssue,
} from '@newsledger/domain';
import type { NewsledgerError } from './newsledger.error';

/** A subject string of each kind, so `view()` and `history()` can type their answer. */
export type ExchangeSubject = `exchange/${string}`;
export type NegotiationSubject = `negotiation/${string}`;
export type Subject = ExchangeSubject | NegotiationSubject;

/** `POST /v1/reports`: where the report sits on the log; `duplicate` when its id was already recorded. */
export interface RecordResult {
  eventId: string;
  subject: string;
  partition: number;
  /** A string: Kafka offsets are int64. */
  offset: string;
  duplicate: boolean;
}

/** The outcome of one report of a batch; `line` counts from 1 in the array given to `recordBatch`. */
export type BatchLineResult =
  | { line: number; status: 'accepted' | 'duplicate'; eventId: string; subject: string; partition: number; offset: string }
  | {
      line: number;
      /** `rejected`: the report is wrong, sending it again will not help; `failed`: the log did not take it, retry it. */
      status: 'rejected' | 'failed';
      error: string;
      message: string;
      details?: ValidationIssue[];
    };

/** `POST /v1/reports/batch`, after the client's retries of failed lines. */
export interface BatchResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Lines still not on the log once retries ran out. */
  failed: number;
  /** One per report given, in the same order. */
  results: BatchLineResult[];
}

/** The instant and date a time-travel answer was asked for, echoed in the view. */
export interface PointInTimeEcho {
  asOf?: string;
  validAt?: string;
}

/** `GET /v1/exchanges/:id`. */
export type ExchangeViewResponse = ExchangeView & PointInTimeEcho;

/** `GET /v1/negotiations/:id`: the view plus the exchanges agreed in it, each with the agreements that link it. */
export type NegotiationViewResponse = Omit<NegotiationView, 'evidence'> & {
  exchanges: string[];
  evidence: NegotiationView['evidence'] & { exchanges: Record<string, string[]> };
} & PointInTimeEcho;

export type ViewResponse = ExchangeViewResponse | NegotiationViewResponse;

/** The view type of a subject string. */
export type ViewOf<S extends string> = S extends ExchangeSubject ? ExchangeViewResponse : S extends NegotiationSubject ? NegotiationViewResponse : ViewResponse;

/** `GET /v1/{exchanges|negotiations}?…`: one page, most recently updated first. */
export interface Page<V> {
  items: V[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** Filters and paging of `list()`. */
export interface ListOptions {
  /** Only views with this `status`, or any of several comma-separated (`agreed,underway`). */
  status?: string;
  /** Only exchanges with this `reportedStatus`. */
  reportedStatus?: ExchangeStatus;
  /** Only subjects naming this ISO 3166 alpha-2 party, e.g. `UA`, or any of several comma-separated (`UA,RU`). */
  party?: string;
  /** `true`: only exchanges with a disputed figure; `false`: only views without one (contract §7.3). */
  disputed?: boolean;
  /** Only exchanges whose `reportedStatus` stage has this corroboration level, or any of several comma-separated (`one-party,all-parties`). */
  level?: string;
  /** Only subjects whose id, title, parties, source names, mediators or venues contain this text, in any case (contract §7.6). */
  q?: string;
  /** Only subjects with an event recorded at or after this instant. */
  updatedSince?: string | Date;
  /** Page size, 1 to 500. @defaultValue `50` (the server's) */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/** Time travel for `view()`. */
export interface ViewOptions {
  /** The view from the events recorded by this instant ("what did we know then"). */
  asOf?: string | Date;
  /** The view from the reports that occurred by this date, at its own precision (`2025-05`, `2025-05-23`, or an instant). */
  validAt?: string;
}

/** One event of a subject's history, as auditors read it. */
export interface HistoryEntry {
  eventId: string;
  type: EventType;
  subject: string;
  occurredAt: string | null;
  recordedAt: string;
  ingestor: string;
  source: Source;
  confirmation: Confirmation;
  /** As recorded: in the version of its type `dataschema` names, which may be earlier than the one `EventData` describes. */
  data: Record<string, unknown>;
  /** `urn:newsledger:schema:<type>:v<n>`: the version of its type `data` is in. */
  dataschema: string;
  note: string | null;
  position: { partition: number; offset: string };
  retracted: boolean;
  retractedBy: string | null;
  /** The retraction that withdrew it, with when, by whom and why: on every page, wherever the retraction itself is. */
  retraction: { eventId: string; recordedAt: string; source: Source; reason: string } | null;
}

/** `GET /v1/{exchanges|negotiations}/:id/history`: every event in log order, or one page of them. */
export interface History {
  subject: string;
  events: HistoryEntry[];
  /** Pass as `cursor` (with `limit`) for the next page; null on the last one, and when every event was asked for. */
  nextCursor: string | null;
}

/** Paging of `history()`. */
export interface HistoryOptions {
  /** Page size, 1 to 1000. @defaultValue none: every event in one answer */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

/**
 * A change as the feed sends it: `status`/`reportedStatus` (the contract's shape), `corroboration`
 * and `dispute` (§7.4), with `retractionOf` when a retraction caused it, and `cause`, `level` and
 * `reason` (absent only on changes recorded before v1.1). `id` is deterministic, so a change
 * delivered twice is recognisable.
 */
export type FeedChange = Delivered<StatusFieldChange> | Delivered<CorroborationChange> | Delivered<DisputeChange>;

/** A domain change as delivered: the feed's own fields added, the §7.4 ones optional for older changes. */
type Delivered<C extends ExplainedChange> = Omit<C, 'cause' | 'level' | 'reason'> &
  Partial<Pick<C, 'cause' | 'level' | 'reason'>> & {
    subject: string;
    causedBy: string;
    recordedAt: string;
    retractionOf?: string;
  };

/** One message of the feed: the change and its position (the SSE id, what resuming starts after). */
export interface FeedMessage {
  position: string;
  change: FeedChange;
}

/** Filters and resumption of `followStatusChanges()`. */
export interface FollowOptions {
  /** Only these subjects. */
  subject?: string | readonly string[];
  /** Only these kinds. */
  kind?: SubjectKind | readonly SubjectKind[];
  /** Only these fields. */
  field?: ChangeField | readonly ChangeField[];
  /**
   * Start after this position (a `FeedMessage.position`); `'0'` replays every change.
   * @defaultValue none: changes from the moment the stream opens
   */
  lastEventId?: string;
  /** Ends the iteration (without an error) when aborted. */
  signal?: AbortSignal;
  /**
   * A stream silent this long (no change, no heartbeat) is taken for dead and reopened.
   * @defaultValue `45000` (three of the server's default heartbeats)
   */
  idleTimeoutMs?: number;
  /** Called each time the server confirms a subscription, the first and every reconnection. */
  onOpen?: (info: { lastEventId: string | undefined }) => void;
  /** Called before each reconnection, with why and when. */
  onReconnect?: (info: { error: NewsledgerError; lastEventId: string | undefined; delayMs: number; attempt: number }) => void;
}

/** What an audit job does: rebuild every view, or verify them against the log. */
export type AuditJobKind = 'rebuild' | 'verify';

/**
 * A rebuild or verification job (`/v1/admin/rebuild/:id`, `/v1/admin/verify/:id`), run by a
 * projector: `status` is `running` until it ends, `worker` null while none has taken it yet.
 */
export interface AuditJob {
  id: string;
  kind: AuditJobKind;
  topic: string;
  requestedBy: string;
  status: 'running' | 'done' | 'failed';
  /** `preparing`, `building`, `switching` (rebuild), `replaying` (verify), `done`, `failed`. */
  phase: string;
  progress: { applied: number; target: number; percent: number };
  worker: string | null;
  attempts: number;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** The rebuild's or verification's report once done. */
  report: unknown;
  error: string | null;
  errorCode: string | null;
  /** Where to follow it (in the answer to the request that made it). */
  progressUrl?: string;
}
