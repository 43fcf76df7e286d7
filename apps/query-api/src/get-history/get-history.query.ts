import { Query } from '@nestjs/cqrs';

/** One event of a subject's history, as auditors read it. */
export interface HistoryEntry {
  eventId: string;
  type: string;
  subject: string;
  occurredAt: string | null;
  recordedAt: string;
  ingestor: string;
  source: unknown;
  confirmation: string;
  data: unknown;
  note: string | null;
  position: { partition: number; offset: string };
  retracted: boolean;
  retractedBy: string | null;
}

/** Every event of a subject in log order. */
export class GetHistoryQuery extends Query<{ subject: string; events: HistoryEntry[] }> {
  constructor(readonly subject: string) {
    super();
  }
}
