/**
 * The events topic's encoder as the release before event versions wrote it (`toCloudEvent` of
 * libs/event-log/src/cloud-event.mapper.ts at commit c0c19ef, unchanged but for its types): no
 * `dataschema`, and `negotiation.round.announced` with its agenda as one string. Tests write with it
 * what an older ingest API left on the log, which every later release must go on reading.
 */

/** A report as that release took it: `data` untyped, since its shapes are not this release's. */
export interface PreviousReleaseReport {
  id: string;
  type: string;
  subject: string;
  occurredAt?: string;
  source: { name: string; kind: string; url?: string; speaker?: string; party?: string; via?: string };
  confirmation: string;
  data: unknown;
  note?: string;
}

/** An event as it travels on `newsledger.events`: CloudEvents 1.0, structured JSON mode. */
export interface PreviousReleaseCloudEvent {
  specversion: '1.0';
  id: string;
  type: string;
  /** `newsroom/<ingestor>` */
  source: string;
  subject: string;
  /** recordedAt: the ingest server's clock */
  time: string;
  datacontenttype: 'application/json';
  data: { occurredAt?: string; source: PreviousReleaseReport['source']; confirmation: string; data: unknown; note?: string };
}

const SOURCE_PREFIX = 'newsroom/';

/** Maps a validated report and its transaction metadata to the CloudEvent put on the log. */
export function previousReleaseToCloudEvent(report: PreviousReleaseReport, meta: { ingestor: string; recordedAt: string }): PreviousReleaseCloudEvent {
  const data: PreviousReleaseCloudEvent['data'] = { source: report.source, confirmation: report.confirmation, data: report.data };
  if (report.occurredAt !== undefined) data.occurredAt = report.occurredAt;
  if (report.note !== undefined) data.note = report.note;
  return {
    specversion: '1.0',
    id: report.id,
    type: report.type,
    source: SOURCE_PREFIX + meta.ingestor,
    subject: report.subject,
    time: meta.recordedAt,
    datacontenttype: 'application/json',
    data,
  };
}
