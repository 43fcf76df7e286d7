import { ValidationIssue } from '@newsledger/domain';

/** Stable codes of a read that cannot be answered as asked, each with the shape of its `details`. */
export interface QueryErrorDetails {
  /** Nothing of that id (at that point in time); no details. */
  not_found: [];
  /** A bad parameter or body field: one issue per field. */
  invalid_query: ValidationIssue[];
  /** A webhook subscription that is not `{url, secret, filter?}`. */
  invalid_subscription: ValidationIssue[];
  /** A webhook target the query API may not call (a private address, unless allowed). */
  target_not_allowed: ValidationIssue[];
  /** A list filter on columns an upgrade is deriving again, until its rebuild swaps in; no details. */
  views_upgrading: [];
}

/** One of the stable codes in {@link QueryErrorDetails}. */
export type QueryErrorCode = keyof QueryErrorDetails;

/** The details argument: required unless the code has none. */
type DetailsArg<C extends QueryErrorCode> = QueryErrorDetails[C] extends [] ? [details?: []] : [details: QueryErrorDetails[C]];

/**
 * A read that cannot be answered as asked; the query API's filter maps `code` to its HTTP status
 * and the contract's JSON error. Switch on `code`; `details` is typed by it.
 */
export class QueryError<C extends QueryErrorCode = QueryErrorCode> extends Error {
  override readonly name = 'QueryError';
  readonly details: QueryErrorDetails[C];

  constructor(readonly code: C, message: string, ...[details]: DetailsArg<C>) {
    super(message);
    this.details = (details ?? []) as QueryErrorDetails[C];
  }

  /** Narrows `details` to the shape of `code`. */
  is<K extends QueryErrorCode>(code: K): this is QueryError<K> {
    return (this.code as QueryErrorCode) === code;
  }
}
