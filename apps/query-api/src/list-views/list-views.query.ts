import { Query } from '@nestjs/cqrs';
import { SubjectKind } from '@newsledger/domain';

export interface ListViewsResult {
  items: unknown[];
  /** pass as `cursor` for the next page; null on the last page */
  nextCursor: string | null;
}

/** Views of one kind, most recently updated first. */
export class ListViewsQuery extends Query<ListViewsResult> {
  constructor(
    readonly kind: SubjectKind,
    readonly filters: { status?: string; reportedStatus?: string; party?: string; updatedSince?: string },
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
