import { Query } from '@nestjs/cqrs';
import { HistoryEntry } from './get-history.response.dto';

export type { HistoryEntry } from './get-history.response.dto';

/** Every event of a subject in log order. */
export class GetHistoryQuery extends Query<{ subject: string; events: HistoryEntry[] }> {
  constructor(readonly subject: string) {
    super();
  }
}
