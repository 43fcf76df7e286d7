import { Query } from '@nestjs/cqrs';
import { GetHistoryRequest } from './get-history.request.dto';
import { HistoryPage } from './get-history.response.dto';

export type { HistoryEntry, HistoryPage } from './get-history.response.dto';

/** The events of a subject in log order: every one, or with `limit` a page after `cursor`. */
export class GetHistoryQuery extends Query<HistoryPage> {
  constructor(
    readonly subject: string,
    readonly page: GetHistoryRequest = {},
  ) {
    super();
  }
}
