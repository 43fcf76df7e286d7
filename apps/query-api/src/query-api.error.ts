import { ValidationIssue } from '@newsledger/domain';

/** A read that cannot be answered as asked; `code` is stable and ends up in the JSON error. */
export class QueryError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_query' | 'invalid_subscription' | 'target_not_allowed' | 'views_upgrading',
    message: string,
    readonly details: ValidationIssue[] = [],
  ) {
    super(message);
  }
}
