import { Query } from '@nestjs/cqrs';
import { SubjectKind } from '@newsledger/domain';
import { ListCursor } from './list-views.cursor';

export interface ListViewsResult {
  items: unknown[];
  /** pass as `cursor` for the next page; null on the last page */
  nextCursor: string | null;
}

/** What a list keeps; each list matches any of its values, and every filter given must match. */
export interface ListViewsFilters {
  status?: string[];
  reportedStatus?: string[];
  /** upper-case ISO codes */
  party?: string[];
  /** whether a figure is disputed (contract §7.3) */
  disputed?: boolean;
  /** corroboration levels of the `reportedStatus` stage (contract §7.2) */
  level?: string[];
  /** text the view's id, title, parties, source names, mediators or venues contain, in `searchForm` (contract §7.6) */
  q?: string;
  /** a UTC ISO instant */
  updatedSince?: string;
}

/** Views of one kind, most recently updated first. */
export class ListViewsQuery extends Query<ListViewsResult> {
  constructor(
    readonly kind: SubjectKind,
    readonly filters: ListViewsFilters,
    readonly limit: number,
    readonly cursor?: ListCursor,
  ) {
    super();
  }
}
