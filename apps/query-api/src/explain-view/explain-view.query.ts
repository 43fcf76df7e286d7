import { Query } from '@nestjs/cqrs';
import { Explanation, PointInTime, SubjectKind } from '@newsledger/domain';

/** The facts of one subject's view with the reports behind them, now or, with `asOf`/`validAt`, then. */
export class ExplainViewQuery extends Query<Explanation> {
  constructor(readonly kind: SubjectKind, readonly subject: string, readonly at: PointInTime = {}) {
    super();
  }
}
