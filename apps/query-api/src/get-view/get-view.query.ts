import { Query } from '@nestjs/cqrs';
import { PointInTime, SubjectKind } from '@newsledger/domain';

/** The view, and where its replay started (sent as headers, not in the view). */
export interface GetViewResult {
  view: Record<string, unknown>;
  replay?: { fromSnapshot: number | null; eventsRead: number };
}

/** One subject's view now, or, with `asOf` and/or `validAt`, as it stood then. */
export class GetViewQuery extends Query<GetViewResult> {
  constructor(readonly kind: SubjectKind, readonly subject: string, readonly at: PointInTime = {}) {
    super();
  }
}
