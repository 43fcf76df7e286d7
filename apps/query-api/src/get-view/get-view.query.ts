import { Query } from '@nestjs/cqrs';
import { SubjectKind } from '@newsledger/domain';

/** One subject's view: the stored one, or, with `asOf`, replayed from the events recorded up to then. */
export class GetViewQuery extends Query<Record<string, unknown>> {
  constructor(readonly kind: SubjectKind, readonly subject: string, readonly asOf?: string) {
    super();
  }
}
