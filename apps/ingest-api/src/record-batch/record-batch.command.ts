import { Command } from '@nestjs/cqrs';
import { Principal } from '@newsledger/auth';
import { ValidationIssue } from '@newsledger/domain';

/** The outcome of one line of a batch (lines count from 1). */
export type BatchLineResult =
  | { line: number; status: 'accepted' | 'duplicate'; eventId: string; subject: string; partition: number; offset: string }
  | { line: number; status: 'rejected' | 'failed'; error: string; message: string; details?: ValidationIssue[] };

export interface RecordBatchResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** lines the log did not acknowledge: retry them */
  failed: number;
  results: BatchLineResult[];
}

/** Record many reports; each line stands or falls alone. */
export class RecordBatchCommand extends Command<RecordBatchResult> {
  constructor(readonly lines: { line: number; body: unknown; parseError?: string }[], readonly principal: Principal) {
    super();
  }
}
