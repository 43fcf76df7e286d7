import { Command } from '@nestjs/cqrs';
import { Principal } from '@newsledger/auth';
import { RecordBatchResult } from './record-batch.response.dto';

export type { BatchLineResult, RecordBatchResult } from './record-batch.response.dto';

/** Record many reports; each line stands or falls alone. */
export class RecordBatchCommand extends Command<RecordBatchResult> {
  constructor(readonly lines: { line: number; body: unknown; parseError?: string }[], readonly principal: Principal) {
    super();
  }
}
